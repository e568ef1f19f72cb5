// Browser tests of the SpawnAI web UI, against a running spawnd.
//
//   cd tests/web && npm ci && SPAWN_UI_URL=http://127.0.0.1:18080 node --test --test-concurrency=1
//
// Drives Debian's chromium (apt-get install chromium) through playwright-core.
// Screenshots land in tests/web/artifacts/. Real sessions are created (and destroyed)
// on the spawnd under test; only the rate-limit and failed-session screens use mocked
// API answers, because a healthy spawnd cannot be made to produce them on demand.

import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const ARTIFACTS = join(here, 'artifacts');
const BASE = (process.env.SPAWN_UI_URL || '').replace(/\/+$/, '');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const READY_TIMEOUT = Number(process.env.SPAWN_UI_READY_TIMEOUT_MS || 90000);

const skipReason = !BASE
  ? 'SPAWN_UI_URL is not set: start spawnd and run with SPAWN_UI_URL=http://127.0.0.1:<port>'
  : !existsSync(CHROMIUM) ? `no chromium at ${CHROMIUM} (apt-get install chromium)` : false;
if (skipReason) console.log(`# skipping the web UI tests: ${skipReason}`);

let chromium;
let browser;
const opened = []; // sessions created by the tests: [{id, token}] destroyed at the end

async function shot(page, name, opts = {}) {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: opts.fullPage ?? true });
}

/** A page whose console errors and uncaught exceptions are collected. */
async function newPage(contextOptions = {}, allowed = []) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...contextOptions });
  const page = await context.newPage();
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return;
    const text = msg.text();
    if (allowed.some((re) => re.test(text))) return;
    problems.push(`console.error: ${text} (${msg.location().url || 'unknown'})`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (req) => {
    const failure = req.failure()?.errorText || '';
    // A download or an iframe torn down on purpose aborts its request: that is fine.
    if (/ERR_ABORTED/.test(failure)) return;
    problems.push(`request failed: ${req.method()} ${req.url()} ${failure}`);
  });
  return { context, page, problems };
}

async function typePrompt(page, text) {
  await page.locator('#prompt').click();
  await page.locator('#prompt').fill(text);
}

/** Records every aria-valuenow the progress bar takes, from now on. */
async function watchProgress(page) {
  await page.evaluate(() => {
    window.__progress = [];
    const bar = document.getElementById('bar');
    new MutationObserver(() => window.__progress.push(Number(bar.getAttribute('aria-valuenow'))))
      .observe(bar, { attributes: true, attributeFilter: ['aria-valuenow'] });
  });
}

async function currentSession(page) {
  return page.evaluate(() => {
    const id = JSON.parse(localStorage.getItem('spawnai.current'));
    const list = JSON.parse(localStorage.getItem('spawnai.sessions') || '[]');
    return list.find((e) => e.id === id) || null;
  });
}

// Reads of a session are private: the tests, like the page, show its manage token.
async function apiGet(path, token) {
  const res = await fetch(BASE + path, token ? { headers: { 'X-Manage-Token': token } } : {});
  return { status: res.status, body: await res.json() };
}

describe('SpawnAI web UI', { skip: skipReason }, () => {
  before(async () => {
    ({ chromium } = await import('playwright-core'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
             '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  after(async () => {
    // Leave nothing running on the spawnd under test.
    for (const s of opened) {
      await fetch(`${BASE}/api/v1/sessions/${s.id}`, { method: 'DELETE', headers: { 'X-Manage-Token': s.token } })
        .catch(() => {});
    }
    await browser?.close();
  });

  test('the start page is complete, accessible and loads nothing from outside', async () => {
    const { context, page, problems } = await newPage();
    const outside = [];
    page.on('request', (req) => { if (!req.url().startsWith(BASE)) outside.push(req.url()); });
    await page.goto(BASE + '/');
    await page.evaluate(() => localStorage.clear());
    await page.reload();

    await assert.doesNotReject(page.locator('h1', { hasText: 'What should we build?' }).waitFor());
    // Labelled controls.
    assert.equal(await page.getByLabel('Describe your app').count(), 1);
    for (const name of ['Web app', 'API', 'Script'])
      assert.equal(await page.getByRole('radio', { name: new RegExp(`^${name}`) }).count(), 1, name);
    assert.equal(await page.getByRole('radio', { name: /^Web app/ }).isChecked(), true);
    // Counter.
    assert.equal(await page.locator('#prompt-count').textContent(), '0 / 2,000');
    await typePrompt(page, 'héllo 👋');
    assert.equal(await page.locator('#prompt-count').textContent(), '7 / 2,000', 'code points, as the server counts');
    // Shift+Enter is a newline, not a send.
    await page.locator('#prompt').press('Shift+Enter');
    await page.locator('#prompt').type('second line');
    assert.equal(await page.locator('#prompt').inputValue(), 'héllo 👋\nsecond line');
    assert.equal(await page.locator('#session-view').isHidden(), true);
    // Keyboard: the first Tab reaches the skip link, which leads to the prompt.
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement.className);
    assert.match(focused, /skip-link|brand/);
    await page.locator('#prompt').fill('');
    await shot(page, '01-start-desktop');

    const dark = await newPage({ colorScheme: 'dark' });
    await dark.page.goto(BASE + '/');
    await dark.page.locator('#prompt').fill('a pomodoro timer with a dark theme');
    const bg = await dark.page.evaluate(() => getComputedStyle(document.body).backgroundColor);
    await shot(dark.page, '02-start-dark');
    await dark.context.close();
    assert.notEqual(bg, 'rgb(255, 255, 255)');

    assert.deepEqual(outside, [], 'no request leaves spawnd');
    assert.deepEqual(problems.concat(dark.problems), []);
    await context.close();
  });

  test('keyboard only: type choice, prompt and send are reachable with visible focus', async () => {
    const { context, page, problems } = await newPage();
    await page.goto(BASE + '/');
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.waitForFunction(() => document.activeElement?.id === 'prompt');
    // Back to the app type: arrow keys move the choice.
    await page.keyboard.press('Shift+Tab');
    assert.equal(await page.evaluate(() => document.activeElement.value), 'webapp');
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getByRole('radio', { name: /^API/ }).isChecked(), true);
    const ring = await page.evaluate(() =>
      getComputedStyle(document.activeElement.nextElementSibling).outlineStyle);
    assert.notEqual(ring, 'none', 'the focused type card shows a focus ring');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'prompt');
    await page.keyboard.type('a todo list');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'send');
    assert.notEqual(await page.evaluate(() => getComputedStyle(document.activeElement).outlineStyle), 'none');
    await shot(page, '03-keyboard-focus', { fullPage: false });
    // The example chips are buttons too: Enter on one fills the prompt and sets its type.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    assert.equal(await page.locator('#prompt').inputValue(), 'a pomodoro timer with a dark theme');
    assert.equal(await page.getByRole('radio', { name: /^Web app/ }).isChecked(), true);
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('validation errors show next to the box (empty, too long, server-side)', async () => {
    const { context, page, problems } = await newPage({}, [/Failed to load resource: the server responded with a status of 400/]);
    const posts = [];
    page.on('request', (r) => { if (r.method() === 'POST') posts.push(r.url()); });
    await page.goto(BASE + '/');
    await page.evaluate(() => localStorage.clear());
    await page.reload();

    // Empty (only whitespace): refused before any request.
    await typePrompt(page, '   ');
    await page.locator('#prompt').press('Enter');
    await page.locator('#prompt-error').waitFor();
    assert.match(await page.locator('#prompt-error').textContent(), /Describe the app/);
    assert.equal(await page.locator('#prompt').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'prompt');
    assert.deepEqual(posts, []);

    // Too long: the counter turns red and sending is refused.
    await typePrompt(page, 'x'.repeat(2001));
    assert.equal(await page.locator('#prompt-count').textContent(), '2,001 / 2,000');
    assert.equal(await page.locator('#prompt-count').getAttribute('data-band'), 'over');
    await page.locator('#send').click();
    await page.locator('#prompt-error').waitFor();
    assert.match(await page.locator('#prompt-error').textContent(), /2,001 characters; the limit is 2,000/);
    await shot(page, '04-validation-too-long', { fullPage: false });
    assert.deepEqual(posts, []);
    // Back under the limit, the length error goes away by itself.
    await page.locator('#prompt').press('Backspace');
    assert.equal(await page.locator('#prompt-error').isHidden(), true);

    // The server's own 400 (an app type it does not know) lands next to the type choice.
    await typePrompt(page, 'a tiny app');
    await page.evaluate(() => { document.querySelector('input[name="app_type"]:checked').value = 'bogus'; });
    await page.locator('#prompt').press('Enter');
    await page.locator('#type-error').waitFor();
    assert.match(await page.locator('#type-error').textContent(), /app_type/);
    assert.equal(posts.length, 1);
    assert.equal(await page.locator('#session-view').isHidden(), true);
    await shot(page, '04-validation-server-side', { fullPage: false });

    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a prompt becomes a running app: progress, link, preview, code, extend, reload, destroy', async () => {
    const { context, page, problems } = await newPage();
    await page.goto(BASE + '/');
    await page.evaluate(() => localStorage.clear());
    await page.reload();

    await watchProgress(page);
    await typePrompt(page, 'a pomodoro timer with a dark theme');
    await page.locator('#prompt').press('Enter');

    await page.locator('#session-view').waitFor();
    const stored = await currentSession(page);
    assert.ok(stored?.id && stored?.token, 'id and manage token are kept in localStorage');
    opened.push({ id: stored.id, token: stored.token });
    assert.equal(await page.locator('#session-prompt').textContent(), 'a pomodoro timer with a dark theme');

    // The bar reaches 100 % and the ready card appears.
    await page.locator('#bar[aria-valuenow="100"]').waitFor({ timeout: READY_TIMEOUT });
    await page.locator('#ready-card').waitFor({ timeout: READY_TIMEOUT });
    const seen = await page.evaluate(() => window.__progress);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1], `progress never goes back: ${seen}`);
    assert.equal(seen.at(-1), 100);
    assert.equal(await page.locator('#status-title').textContent(), 'Ready');
    assert.equal(await page.locator('#status-pct').textContent(), '100%');
    const stageText = (await page.locator('#stages').innerText()).replace(/\u00ad/g, ''); // soft hyphens
    for (const s of ['Queued', '10%', 'Provisioning', '30%', 'Generating', '60%', 'Deploying', '90%', 'Ready', '100%'])
      assert.ok(stageText.includes(s), `stage list shows ${s}`);
    assert.equal(await page.locator('#stages li[data-status="done"]').count(), 5);
    await page.locator('#conn[data-mode="live"]').waitFor({ timeout: 10000 });

    // The log holds the session's events, in order.
    await page.waitForFunction(() => document.querySelectorAll('#log li').length >= 3);
    const seqs = await page.locator('#log li').evaluateAll((lis) => lis.map((li) => Number(li.dataset.seq)));
    assert.deepEqual(seqs, [...seqs].sort((a, b) => a - b));
    assert.equal(new Set(seqs).size, seqs.length, 'no event twice');
    assert.equal(await page.locator('#log').getAttribute('aria-live'), 'polite');

    // The link opens in a new tab and matches the API's app_url.
    const api = await apiGet(`/api/v1/sessions/${stored.id}`, stored.token);
    assert.equal(api.body.state, 'running');
    const link = page.locator('#app-link');
    assert.equal(await link.getAttribute('href'), api.body.app_url);
    assert.equal(await link.getAttribute('target'), '_blank');
    assert.match(await link.getAttribute('rel'), /noopener/);
    const [tab] = await Promise.all([context.waitForEvent('page'), link.click()]);
    await tab.waitForLoadState('domcontentloaded');
    assert.equal(tab.url(), api.body.app_url);
    await tab.close();

    // The inline preview shows the app, sandboxed.
    const frameEl = page.locator('#preview-frame');
    assert.equal(await frameEl.getAttribute('sandbox'), 'allow-scripts allow-forms');
    assert.equal(await frameEl.getAttribute('src'), api.body.app_url);
    const frame = page.frameLocator('#preview-frame');
    await frame.locator('body').waitFor({ timeout: 15000 });
    const files = (await apiGet(`/api/v1/sessions/${stored.id}/files`, stored.token)).body;
    await page.waitForFunction(
      (t) => document.getElementById('ready-title').textContent.includes(t), files.title, { timeout: 10000 });
    assert.match(await frame.locator('title').textContent(), new RegExp(files.title));

    // Countdown and cost.
    assert.match(await page.locator('#countdown').textContent(), /^\d+:\d\d(:\d\d)?$/);
    assert.match(await page.locator('#cost-estimated').textContent(), /^\$\d+\.\d+$/);
    assert.equal(await page.locator('#conn-text').textContent(), 'Live');
    await page.locator('#code-card').waitFor();
    assert.equal(await page.locator('.file-tab').count(), files.files.length);
    await shot(page, '05-ready-desktop');

    // Download code: a zip built in the browser from /files.
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#download').click()]);
    assert.equal(download.suggestedFilename(), `spawnai-${stored.id}.zip`);
    const zipPath = join(ARTIFACTS, download.suggestedFilename());
    await download.saveAs(zipPath);
    const zip = readFileSync(zipPath);
    assert.equal(zip.subarray(0, 4).toString('binary'), 'PK\x03\x04');
    assert.ok(zip.includes(Buffer.from(`spawnai-${stored.id}/${files.entry}`)), 'the entry file is in the zip');
    assert.ok(zip.includes(Buffer.from(files.files[0].content.slice(0, 200))), 'with its content');

    // Extend by an hour.
    const before = (await apiGet(`/api/v1/sessions/${stored.id}`, stored.token)).body.expires_at;
    await page.locator('#extend').click();
    await page.locator('#toast', { hasText: 'Extended' }).waitFor();
    const afterExtend = (await apiGet(`/api/v1/sessions/${stored.id}`, stored.token)).body;
    assert.equal(Date.parse(afterExtend.expires_at) - Date.parse(before), 3600 * 1000);
    const [hh] = (await page.locator('#countdown').textContent()).split(':').map(Number);
    assert.ok(hh >= 2, 'the countdown shows the new expiry');

    // A reload finds the session again (id and token from localStorage).
    await page.reload();
    await page.locator('#ready-card').waitFor({ timeout: 15000 });
    assert.equal(await page.locator('#session-id').textContent(), stored.id);
    assert.equal(await page.locator('#extend').isVisible(), true, 'still manageable after a reload');
    assert.equal(await page.locator('#log li').count(), seqs.length + 1, 'the whole log, plus the extension');
    const recent = page.locator('#recent-list li');
    assert.equal(await recent.count(), 1);
    assert.match(await recent.first().innerText(), /ready/);
    await shot(page, '06-after-reload');

    // Destroy, with a confirmation dialog.
    await page.locator('#destroy').click();
    await page.locator('#destroy-dialog[open]').waitFor();
    await shot(page, '07-destroy-dialog', { fullPage: false });
    await page.locator('#destroy-confirm').click();
    await page.locator('#ended-card').waitFor({ timeout: 30000 });
    await page.locator('#ended-title', { hasText: 'has been destroyed' }).waitFor({ timeout: 30000 });
    assert.equal(await page.locator('#preview-frame').count(), 0);
    assert.equal(await page.locator('#ready-card').isHidden(), true);
    await page.locator('#conn[data-mode="closed"]').waitFor({ timeout: 10000 });
    assert.equal((await apiGet(`/api/v1/sessions/${stored.id}`, stored.token)).body.state, 'destroyed');
    await shot(page, '08-destroyed');

    // Start over returns to an empty composer; the session stays in the list.
    await page.locator('#ended-card button', { hasText: 'Start over' }).click();
    await page.locator('#composer-view').waitFor();
    assert.equal(await page.evaluate(() => document.activeElement.id), 'prompt');
    assert.match(await page.locator('#recent-list li').first().innerText(), /destroyed/);

    assert.deepEqual(problems, []);
    await context.close();
  });

  test('without a WebSocket the page falls back to polling (dark scheme)', async () => {
    const { context, page, problems } = await newPage({ colorScheme: 'dark' });
    // A browser or proxy where WebSockets cannot connect.
    await context.addInitScript(() => {
      window.WebSocket = class {
        constructor() {
          setTimeout(() => { this.onerror?.(new Event('error')); this.onclose?.({ code: 1006 }); }, 50);
        }
        close() {}
        send() {}
      };
    });
    const polls = [];
    page.on('request', (r) => { if (/\/events\?after=/.test(r.url())) polls.push(Date.now()); });
    await page.goto(BASE + '/');
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    await page.getByRole('radio', { name: /^API/ }).check({ force: true });
    await typePrompt(page, 'an API that converts temperatures between Celsius and Fahrenheit');
    await page.locator('#prompt').press('Enter');
    await page.locator('#session-view').waitFor();
    const stored = await currentSession(page);
    opened.push({ id: stored.id, token: stored.token });
    await page.locator('#conn[data-mode="polling"]').waitFor({ timeout: 10000 });
    await page.locator('#bar[aria-valuenow="100"]').waitFor({ timeout: READY_TIMEOUT });
    await page.locator('#ready-card').waitFor();
    assert.ok(await page.locator('#log li').count() >= 3);
    const n = polls.length;
    await page.waitForTimeout(2500);
    assert.ok(polls.length - n >= 2, `polls about every second (${polls.length - n} in 2.5 s)`);
    assert.equal(await page.locator('#conn-text').textContent(), 'Live (polling)');
    await shot(page, '09-polling-fallback');

    // Destroying still reaches "destroyed" through polling, which then stops.
    await page.locator('#destroy').click();
    await page.locator('#destroy-confirm').click();
    await page.locator('#ended-title', { hasText: 'has been destroyed' }).waitFor({ timeout: 30000 });
    await page.locator('#conn[data-mode="closed"]').waitFor({ timeout: 5000 });
    const m = polls.length;
    await page.waitForTimeout(2000);
    assert.equal(polls.length, m, 'polling stops once destroyed');

    assert.deepEqual(problems, []);
    await context.close();
  });

  test('phone layout (375x740) works end to end', async () => {
    const { context, page, problems } = await newPage({
      viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true,
    });
    await page.goto(BASE + '/');
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    const overflow = () => page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.equal(await overflow(), 0, 'no horizontal scrolling on the start page');
    await shot(page, '10-phone-start', { fullPage: false });

    await page.getByRole('radio', { name: /^Script/ }).check({ force: true });
    await typePrompt(page, 'a script that prints the first 50 prime numbers as a table');
    await page.locator('#send').tap();
    await page.locator('#ready-card').waitFor({ timeout: READY_TIMEOUT });
    const stored = await currentSession(page);
    opened.push({ id: stored.id, token: stored.token });
    assert.equal(await overflow(), 0, 'no horizontal scrolling on the session page');
    for (const id of ['#app-link', '#extend', '#destroy', '#download', '#start-over']) {
      const box = await page.locator(id).boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= 375, `${id} fits the screen`);
      assert.ok(box.height >= 36, `${id} is a comfortable touch target`);
    }
    await shot(page, '11-phone-ready', { fullPage: false });
    await shot(page, '12-phone-ready-full');
    // The preview works on a phone too.
    await page.locator('#preview-card').scrollIntoViewIfNeeded();
    const title = (await apiGet(`/api/v1/sessions/${stored.id}/files`, stored.token)).body.title;
    await page.frameLocator('#preview-frame').locator('h1', { hasText: title }).waitFor({ timeout: 15000 });
    await page.waitForTimeout(300);
    await shot(page, '13-phone-preview', { fullPage: false });

    assert.deepEqual(problems, []);
    await context.close();
  });

  test('a website from client details: fields shown for the site type, checked, sent and built', async () => {
    const { context, page, problems } = await newPage({}, [/Failed to load resource: the server responded with a status of 400/]);
    await page.goto(BASE + '/');
    await page.evaluate(() => localStorage.clear());
    await page.reload();
    assert.equal(await page.locator('#site-details').isHidden(), true, 'no client details for a web app');
    await page.getByRole('radio', { name: /^Website/ }).check({ force: true });
    await page.locator('#site-details').waitFor();
    for (const label of ['Business name', 'Trade', 'City', 'Main colour', 'Existing site to draw from'])
      assert.equal(await page.getByLabel(label).count(), 1, label);
    await page.getByLabel('Business name').fill('Boulangerie Martin');
    await page.getByLabel('Trade').fill('bakery');
    await page.getByLabel('City').fill('Lyon');
    await page.getByLabel('Main colour').fill('#8b4513');
    // A bad URL is refused by the server and shown next to its field.
    await page.getByLabel('Existing site to draw from').fill('javascript:alert(1)');
    await typePrompt(page, 'a website for my bakery');
    await page.locator('#send').click();
    await page.locator('#site-error').waitFor();
    assert.match(await page.locator('#site-error').textContent(), /site\.source_url/);
    assert.equal(await page.locator('#site-url').getAttribute('aria-invalid'), 'true');
    assert.equal(await page.evaluate(() => document.activeElement.id), 'site-url');
    await shot(page, '16-site-details-error', { fullPage: false });
    await page.getByLabel('Existing site to draw from').fill('');
    const posted = page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/api/v1/sessions'));
    await page.locator('#send').click();
    const body = JSON.parse((await posted).postData());
    assert.deepEqual(body.site, { name: 'Boulangerie Martin', trade: 'bakery', city: 'Lyon', colors: ['#8b4513'] });
    assert.equal(body.app_type, 'site');
    await page.locator('#ready-card').waitFor({ timeout: READY_TIMEOUT });
    const stored = await currentSession(page);
    opened.push({ id: stored.id, token: stored.token });
    const api = await apiGet(`/api/v1/sessions/${stored.id}`, stored.token);
    assert.equal(api.body.site.name, 'Boulangerie Martin');
    const files = (await apiGet(`/api/v1/sessions/${stored.id}/files`, stored.token)).body;
    assert.deepEqual(['about.html', 'contact.html', 'index.html', 'services.html'],
                     files.files.map((f) => f.path).filter((p) => p.endsWith('.html')).sort());
    await page.frameLocator('#preview-frame').locator('text=Boulangerie Martin').first().waitFor({ timeout: 15000 });
    await shot(page, '17-site-ready');
    assert.deepEqual(problems, []);
    await context.close();
  });

  test('rate limit and a failed session are explained, with a way out (mocked API answers)', async () => {
    const { context, page, problems } = await newPage({}, [/Failed to load resource: the server responded with a status of 429/]);
    await page.goto(BASE + '/');
    await page.evaluate(() => localStorage.clear());
    await page.reload();

    // 429 with Retry-After: a banner with a countdown, sending disabled meanwhile.
    await page.route('**/api/v1/sessions', (route) => route.fulfill({
      status: 429,
      headers: { 'Retry-After': '90', 'Content-Type': 'application/json' },
      body: JSON.stringify({ error: { code: 'rate_limited', message: 'too many new sessions from this client: 5 per 15 minutes' } }),
    }), { times: 1 });
    await typePrompt(page, 'a pomodoro timer');
    await page.locator('#prompt').press('Enter');
    await page.locator('#create-error').waitFor();
    assert.match(await page.locator('#create-error').innerText(), /Too many new sessions[\s\S]*again in 1:(30|29)/);
    assert.equal(await page.locator('#send').isDisabled(), true);
    await shot(page, '14-rate-limited', { fullPage: false });

    // A session that fails while generating: its reason, "try again" and "start over".
    await page.evaluate(() => localStorage.clear());
    const id = 'failtest0001';
    const now = new Date().toISOString();
    const base = {
      id, app_type: 'webapp', prompt: 'a spreadsheet that does my taxes', app_url: null, created_at: now,
      expires_at: now, expires_in_seconds: 0, costs: { estimated_usd: 0.01786, actual_usd: 0.0004 },
      tier: 'small', node_id: 'node-1',
    };
    await page.route(`**/api/v1/sessions/${id}/events*`, (route) => route.fulfill({ json: { events: [] } }));
    await page.route(`**/api/v1/sessions/${id}`, (route) => route.fulfill({
      json: { ...base, state: 'requested', progress: 10, message: 'Queued' },
    }));
    await page.routeWebSocket(`**/ws/v1/sessions/${id}*`, (ws) => { // ?token=…
      const frames = [
        [{ ...base, state: 'requested', progress: 10, message: 'Queued' }, { seq: 0, at: now, level: '', phase: 'requested', message: '' }],
        [{ ...base, state: 'generating', progress: 60, message: 'Generating' }, { seq: 1, at: now, level: 'info', phase: 'generating', message: 'Generating the app <b>not bold</b>' }],
        [{ ...base, state: 'generating', progress: 60, message: 'Generating' }, { seq: 2, at: now, level: 'warn', phase: 'generating', message: 'Attempt 1 failed; retrying in 500 ms' }],
        [{ ...base, state: 'failed', progress: 0, message: 'Generation failed', failure_reason: 'the generator gave up after 3 attempts: no template fits' },
         { seq: 3, at: now, level: 'error', phase: 'failed', message: 'the generator gave up after 3 attempts: no template fits' }],
      ];
      frames.forEach(([session, event], i) =>
        setTimeout(() => ws.send(JSON.stringify({ type: 'event', session, event })), 100 * (i + 1)));
    });
    await page.evaluate((sid) => {
      localStorage.setItem('spawnai.sessions', JSON.stringify([{ id: sid, token: 'x', prompt: 'a spreadsheet that does my taxes', app_type: 'webapp', created_at: new Date().toISOString(), state: 'requested' }]));
      localStorage.setItem('spawnai.current', JSON.stringify(sid));
    }, id);
    await page.reload();
    await page.locator('#failed-card').waitFor({ timeout: 10000 });
    assert.match(await page.locator('#failed-reason').textContent(), /no template fits/);
    assert.equal(await page.locator('#status-title').textContent(), 'Failed');
    assert.equal((await page.locator('#stages li[data-status="failed"] .stage-name').textContent()).replace(/\u00ad/g, ''), 'Generating');
    assert.equal(await page.locator('#log li[data-level="error"]').count(), 1);
    // Server text is shown as text, never as markup.
    assert.equal(await page.locator('#log b').count(), 0);
    assert.match(await page.locator('#log').innerText(), /<b>not bold<\/b>/);
    assert.match(await page.locator('#recent-list').innerText(), /failed/);
    await shot(page, '15-failed');

    await page.locator('#failed-card button', { hasText: 'Start over' }).click();
    await page.locator('#composer-view').waitFor();
    assert.equal(await page.evaluate(() => localStorage.getItem('spawnai.current')), null);

    assert.deepEqual(problems, []);
    await context.close();
  });

  // --- the conversation: follow-up turns, versions, diff, rollback (issue 15) ---
  describe('the conversation', () => {
    let chat; // { context, page, problems, id } shared by the steps below

    const frameTitle = () => chat.page.frameLocator('#preview-frame').locator('title').textContent();
    const lastAnswer = () => chat.page.locator('#thread li.msg.assistant:not(.pending)').last();

    /** Polls the sandboxed preview until its page has that title. */
    async function titleBecomes(title) {
      const deadline = Date.now() + 20000;
      let seen = '';
      while (Date.now() < deadline) {
        seen = await frameTitle().catch(() => '');
        if (seen === title) return;
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(seen, title, 'the preview shows the new version');
    }

    async function say(text) {
      await chat.page.locator('#turn-prompt').fill(text);
      await chat.page.locator('#turn-send').click();
    }

    before(async () => {
      chat = await newPage();
      const { page } = chat;
      await page.goto(BASE + '/');
      await page.evaluate(() => localStorage.clear());
      await page.reload();
      await typePrompt(page, 'a pomodoro timer');
      await page.locator('#prompt').press('Enter');
      await page.locator('#ready-card').waitFor({ timeout: READY_TIMEOUT });
      const stored = await currentSession(page);
      opened.push({ id: stored.id, token: stored.token });
      chat.id = stored.id;
      chat.token = stored.token;
      await page.locator('#chat-card').waitFor({ timeout: 15000 });
      await page.frameLocator('#preview-frame').locator('body').waitFor({ timeout: 15000 });
    });

    after(async () => {
      assert.deepEqual(chat.problems, []);
      await chat.context.close();
    });

    test('a follow-up edit makes version 2 and the preview reloads with it', async () => {
      const { page } = chat;
      // The thread starts with the prompt and version 1.
      await page.locator('#thread li.msg.user', { hasText: 'a pomodoro timer' }).waitFor();
      await page.locator('#versions li[data-version="1"] .v-current').waitFor();
      await say('call it "Deep Focus"');
      // While it works, the thread shows the turn in progress.
      await page.locator('#thread li.msg.user', { hasText: 'Deep Focus' }).waitFor({ timeout: 10000 });
      await page.locator('#versions li[data-version="2"] .v-current').waitFor({ timeout: READY_TIMEOUT });
      await titleBecomes('Deep Focus');
      await lastAnswer().waitFor();
      assert.match(await lastAnswer().innerText(), /Deep Focus/);
      assert.equal(await lastAnswer().getAttribute('data-status'), 'done');
      assert.match(await page.locator('#chat-status').textContent(), /Version 2 is live/);
      const api = await apiGet(`/api/v1/sessions/${chat.id}`, chat.token);
      assert.equal(api.body.state, 'running');
      assert.equal(api.body.version, 2);
      await shot(page, '20-chat-version-2');
    });

    test('the diff shows what the turn changed', async () => {
      const { page } = chat;
      await page.locator('#versions li[data-version="2"] .v-diff').click();
      await page.locator('#diff-box').waitFor();
      assert.match(await page.locator('#diff-title').textContent(), /version 1 to 2/);
      assert.ok(await page.locator('#diff-view .add', { hasText: 'Deep Focus' }).count() >= 1);
      assert.ok(await page.locator('#diff-view .del').count() >= 1);
      assert.match(await page.locator('#diff-view').innerText(), /^--- a\/index\.html/m);
      await shot(page, '21-chat-diff');
      await page.locator('#diff-close').click();
    });

    test('a turn the generator cannot do keeps the old version and says why', async () => {
      const { page } = chat;
      await say('deploy it to Kubernetes with a Postgres cluster');
      await page.locator('#thread li.msg.assistant[data-status="unchanged"]').waitFor({ timeout: READY_TIMEOUT });
      assert.match(await page.locator('#thread li.msg.assistant[data-status="unchanged"]').innerText(), /cannot do/);
      assert.equal(await page.locator('#versions li').count(), 2);
      assert.equal(await frameTitle(), 'Deep Focus');
      const api = await apiGet(`/api/v1/sessions/${chat.id}`, chat.token);
      assert.equal(api.body.version, 2);
      await shot(page, '22-chat-failed-turn');
    });

    test('rollback to version 1 serves it again as version 3', async () => {
      const { page } = chat;
      const v1 = (await apiGet(`/api/v1/sessions/${chat.id}/versions/1/files`, chat.token)).body;
      await page.locator('#versions li[data-version="1"] .v-rollback').click();
      await page.locator('#versions li[data-version="3"] .v-current').waitFor({ timeout: READY_TIMEOUT });
      await titleBecomes(v1.title);
      assert.match(await page.locator('#versions li[data-version="3"]').innerText(), /Restored version 1/);
      const versions = (await apiGet(`/api/v1/sessions/${chat.id}/versions`, chat.token)).body;
      assert.equal(versions.current, 3);
      assert.equal(versions.versions.at(-1).restored_from, 1);
      await shot(page, '23-chat-rollback');
    });
  });
});
