// The acceptance runner of the offline generator: for every request of
// prompts.tsv it creates a session on a real spawnd (SPAWN_URL), waits for the
// app to run, opens it in Debian's chromium (playwright-core) and checks that
// the app shows its own words (text that only repeats the request does not
// count), logs no console error, and reacts to the interaction the request
// implies. Prints one line per request, then `N passed, M failed` with the
// generation time and the time to running; exits 1 under the pass threshold.
//
//   SPAWN_URL=http://127.0.0.1:18766 node run.mjs [--only id,id] [--threshold 0.9]
//   node run.mjs --local /path/to/gen   (development: runs the generator's
//     output directly, without spawnd; `gen <type> <prompt> <dir>`)
//
// Steps (separated by ' ; '; an argument in `backticks` may hold spaces):
//   click SEL | fill SEL TEXT | select SEL VALUE | submit FORM | wait MS
//   see SEL TEXT      the element's text (or an input's value) contains TEXT
//   not SEL TEXT      it does not
//   value SEL TEXT    an input's value is exactly TEXT
//   len SEL N         an input's value has N characters
//   matches SEL RE    text matches the regular expression; nomatch: it does not
//   count SEL N       N elements match (or >=N)
//   record SEL / changed SEL        the text changed since `record`
//   changes SEL MS    the text changes within MS without any action
//   decreases SEL MS  the numbers in the text go down within MS (a countdown)
//   typefrom SRC DST N  types the first N characters of SRC's text into DST
//   draw SEL          drags the mouse across the element
//   attr SEL NAME TEXT  the element's attribute NAME contains TEXT
//   event TEXT        a session event contains TEXT (spawnd mode)
//   req METHOD PATH STATUS [BODY]   an HTTP call to the app, JSON answer
//   has TEXT          the last answer's body contains TEXT
//   save NAME KEY     remembers the last JSON answer's KEY as $NAME
//   redirect PATH URL the app redirects PATH to URL
import { readFileSync, mkdtempSync, rmSync, existsSync } from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, extname, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, fallback) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : fallback; };
const LOCAL = opt('--local', null);
const BASE = (process.env.SPAWN_URL || 'http://127.0.0.1:8080').replace(/\/$/, '');
const ONLY = opt('--only', process.env.ACCEPTANCE_ONLY || '');
const THRESHOLD = Number(opt('--threshold', process.env.ACCEPTANCE_THRESHOLD || '0.9'));
const CONCURRENCY = Number(opt('--jobs', process.env.ACCEPTANCE_JOBS || '3'));
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function readPrompts() {
  const lines = readFileSync(join(here, 'prompts.tsv'), 'utf8').split('\n');
  const out = [];
  for (const line of lines) {
    if (!line.trim() || line.startsWith('#') || line.startsWith('id\t')) continue;
    const [id, type, prompt, words, steps] = line.split('\t');
    out.push({ id, type, prompt, words: words ? words.split('|').filter(Boolean) : [], steps: steps || '' });
  }
  return out;
}

/** Splits a step into its verb and arguments; `backticks` group spaces. */
function parseStep(step, arity) {
  const parts = [];
  let rest = step.trim();
  while (rest && parts.length < arity - 1) {
    let m;
    if ((m = /^`([^`]*)`\s*/.exec(rest)) || (m = /^(\S+)\s*/.exec(rest))) { parts.push(m[1]); rest = rest.slice(m[0].length); }
  }
  if (rest) parts.push(rest.replace(/^`([^`]*)`$/, '$1'));
  return parts;
}
const ARITY = { click: 2, fill: 3, select: 3, submit: 2, wait: 2, see: 3, not: 3, value: 3, len: 3, matches: 3, nomatch: 3,
  count: 3, record: 2, changed: 2, changes: 3, decreases: 3, typefrom: 4, draw: 2, attr: 4, event: 2, req: 5, has: 2, save: 3, redirect: 3 };

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function api(method, path, body, headers) {
  const res = await fetch(BASE + path, { method, headers: { 'Content-Type': 'application/json', ...(headers || {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  let json = null;
  try { json = JSON.parse(text); } catch (e) { /* not JSON */ }
  return { status: res.status, json, text };
}

/** A session on spawnd, up to `running`: {url, genMs, runMs, events(), close()}. */
async function spawndApp(t) {
  const started = Date.now();
  const created = await api('POST', '/api/v1/sessions', { prompt: t.prompt, app_type: t.type });
  if (created.status !== 201) throw new Error('POST /api/v1/sessions answered ' + created.status + ': ' + created.text.slice(0, 200));
  const { id, manage_token: token } = created.json;
  const close = () => api('DELETE', '/api/v1/sessions/' + id, null, { 'X-Manage-Token': token }).catch(() => {});
  // Events, files and failure details are private to the manage token (issue 13).
  const own = { 'X-Manage-Token': token };
  try {
    let s;
    for (let i = 0; ; i++) {
      s = (await api('GET', '/api/v1/sessions/' + id, null, own)).json;
      if (s && (s.state === 'running' || s.state === 'failed' || s.state === 'destroyed')) break;
      if (i > 600) throw new Error('not running after 120 s (state ' + (s && s.state) + ')');
      await sleep(200);
    }
    if (s.state !== 'running') throw new Error('session ' + s.state + ': ' + (s.failure_reason || s.message));
    const runMs = Date.now() - started;
    const events = async () => ((await api('GET', '/api/v1/sessions/' + id + '/events', null, own)).json || {}).events || [];
    const ev = await events();
    const gen = ev.map((e) => /generated in ([0-9.]+) ms, cpu ([0-9.]+)/.exec(e.message || '')).find(Boolean);
    const files = (await api('GET', '/api/v1/sessions/' + id + '/files', null, own)).json;
    return { url: s.app_url, genMs: gen ? Number(gen[1]) : null, cpuMs: gen ? Number(gen[2]) : null, runMs, events, close, template: files && (files.template || (files.app && files.app.template)) };
  } catch (e) { await close(); throw e; }
}

/** Development mode: the generator binary's output, served directly. */
async function localApp(t) {
  const dir = mkdtempSync(join(tmpdir(), 'spawn-accept-'));
  const started = Date.now();
  const out = execFileSync(LOCAL, [t.type, t.prompt, dir], { encoding: 'utf8' });
  const line = out.trim().split('\n').pop().split('\t');
  const genMs = Number(String(line[2]).replace(' ms', ''));
  const progress = out.split('\n').filter((l) => l.startsWith('progress: ')).map((l) => ({ message: l.slice(10) }));
  const cpu = progress.map((e) => /generated in [0-9.]+ ms, cpu ([0-9.]+)/.exec(e.message)).find(Boolean);
  const free = () => new Promise((r) => { const s = createServer(); s.listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => r(p)); }); });
  let child = null, server = null;
  const port = await free();
  if (t.type === 'api') {
    child = spawn('node', ['server.js'], { cwd: dir, env: { ...process.env, PORT: String(port), HOST: '127.0.0.1', DATA_FILE: join(dir, 'data.json') }, stdio: 'ignore' });
    for (let i = 0; i < 100; i++) { try { await fetch('http://127.0.0.1:' + port + '/health'); break; } catch (e) { await sleep(50); } }
  } else {
    let page = null;
    if (t.type === 'script') page = execFileSync('node', ['main.js'], { cwd: dir, encoding: 'utf8' });
    const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css' };
    server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url, 'http://x').pathname).replace(/^\/+/, '') || 'index.html';
      if (page !== null) { res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }); return res.end(page); }
      if (path.includes('..') || !existsSync(join(dir, path))) { res.writeHead(404); return res.end(); }
      res.writeHead(200, { 'Content-Type': types[extname(path)] || 'application/octet-stream' });
      res.end(readFileSync(join(dir, path)));
    });
    await new Promise((r) => server.listen(port, '127.0.0.1', r));
  }
  return { url: 'http://127.0.0.1:' + port + '/', genMs, cpuMs: cpu ? Number(cpu[1]) : null, runMs: Date.now() - started, events: async () => progress, template: line[0],
    close: async () => { if (child) child.kill('SIGTERM'); if (server) server.close(); rmSync(dir, { recursive: true, force: true }); } };
}

/** The page's own text: the whole text without the echoed request. */
async function ownText(page, prompt) {
  const text = await page.evaluate(() => {
    const clone = document.body.cloneNode(true);
    clone.querySelectorAll('footer, #request, script, style').forEach((e) => e.remove());
    const values = [...document.querySelectorAll('input, textarea')].map((e) => e.value).join(' ');
    return clone.innerText + ' ' + values;
  });
  return text.split(prompt).join(' ');
}

async function textOf(page, sel) {
  const el = page.locator(sel).first();
  await el.waitFor({ state: 'attached', timeout: 5000 });
  // An input's value; else the rendered text plus the values of the inputs inside.
  return el.evaluate((e) => {
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(e.tagName)) return e.value || '';
    const values = [...e.querySelectorAll('input, textarea, select')].map((x) => x.value).join(' ');
    return ((e.innerText ?? e.textContent) || '') + (values ? ' ' + values : '');
  });
}

async function eventually(check, what, ms = 4000) {
  const until = Date.now() + ms;
  let last;
  for (;;) {
    try { last = await check(); if (last === true) return; } catch (e) { last = e.message; }
    if (Date.now() > until) throw new Error(what + (typeof last === 'string' ? ' (got: ' + last.slice(0, 160) + ')' : ''));
    await sleep(100);
  }
}

const numbers = (s) => (s.match(/\d+/g) || []).map(Number);
const lower = (a, b) => { for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i] < b[i]; return false; };

async function runSteps(t, app, page) {
  const vars = {};
  const sub = (s) => s.replace(/\$(\w+)/g, (_, k) => vars[k] ?? '$' + k);
  let last = null;
  let recorded = null;
  const base = app.url.replace(/\/$/, '');
  for (const raw of t.steps.split(' ; ').map((s) => s.trim()).filter(Boolean)) {
    const verb = raw.split(' ')[0];
    if (!ARITY[verb]) throw new Error('unknown step ' + raw);
    const [, a, b, c, d] = parseStep(raw, ARITY[verb]);
    const step = raw;
    switch (verb) {
      case 'click': await page.locator(a).first().click({ timeout: 5000 }); break;
      case 'fill': await page.locator(a).first().fill(b, { timeout: 5000 }); break;
      case 'select': await page.locator(a).first().selectOption(b, { timeout: 5000 }); break;
      case 'submit': await page.locator(a).first().evaluate((f) => f.requestSubmit()); break;
      case 'wait': await sleep(Number(a)); break;
      case 'see': await eventually(async () => (await textOf(page, a)).toLowerCase().includes(b.toLowerCase()) || await textOf(page, a), step); break;
      case 'not': await eventually(async () => !(await textOf(page, a)).toLowerCase().includes(b.toLowerCase()) || await textOf(page, a), step); break;
      case 'value': await eventually(async () => (await textOf(page, a)) === b || await textOf(page, a), step); break;
      case 'len': await eventually(async () => (await textOf(page, a)).length === Number(b) || await textOf(page, a), step); break;
      case 'matches': await eventually(async () => new RegExp(b).test((await textOf(page, a)).trim()) || await textOf(page, a), step); break;
      case 'nomatch': await eventually(async () => !new RegExp(b).test(await textOf(page, a)) || await textOf(page, a), step); break;
      case 'count': await eventually(async () => {
        const n = await page.locator(a).count();
        return (b.startsWith('>=') ? n >= Number(b.slice(2)) : n === Number(b)) || String(n) + ' elements';
      }, step); break;
      case 'record': recorded = await textOf(page, a); break;
      case 'changed': await eventually(async () => (await textOf(page, a)) !== recorded || 'unchanged', step); break;
      case 'changes': {
        const before = await textOf(page, a);
        await eventually(async () => (await textOf(page, a)) !== before || 'still ' + before, step, Number(b));
        break;
      }
      case 'decreases': {
        const before = numbers(await textOf(page, a));
        await eventually(async () => lower(numbers(await textOf(page, a)), before) || 'not lower than ' + before.join(':'), step, Number(b));
        break;
      }
      case 'typefrom': {
        const text = (await textOf(page, a)).slice(0, Number(c));
        await page.locator(b).first().pressSequentially(text, { delay: 40 });
        break;
      }
      case 'attr': await eventually(async () => ((await page.locator(a).first().getAttribute(b, { timeout: 5000 })) || '').includes(c) || 'no ' + c, step); break;
      case 'draw': {
        const box = await page.locator(a).first().boundingBox();
        await page.mouse.move(box.x + box.width * 0.2, box.y + box.height * 0.3);
        await page.mouse.down();
        for (let i = 1; i <= 10; i++) await page.mouse.move(box.x + box.width * (0.2 + i * 0.05), box.y + box.height * (0.3 + i * 0.03));
        await page.mouse.up();
        break;
      }
      case 'event': await eventually(async () => (await app.events()).some((e) => (e.message || '').toLowerCase().includes(a.toLowerCase())) || 'no such event', step); break;
      case 'req': {
        const body = d === undefined ? undefined : sub(d);
        const res = await fetch(base + sub(b), { method: a, headers: { 'Content-Type': 'application/json', Accept: 'application/json' }, body, redirect: 'manual' });
        last = { status: res.status, text: await res.text() };
        try { last.json = JSON.parse(last.text); } catch (e) { last.json = undefined; }
        if (res.status !== Number(c)) throw new Error(step + ': answered ' + res.status + ' ' + last.text.slice(0, 160));
        if (res.status !== 204 && last.json === undefined) throw new Error(step + ': the answer is not JSON');
        break;
      }
      case 'has': if (!last || !last.text.includes(sub(a))) throw new Error(step + (last ? ' (got: ' + last.text.slice(0, 160) + ')' : '')); break;
      case 'save': vars[a] = last && last.json ? last.json[b] : undefined; if (vars[a] === undefined) throw new Error(step + ': no ' + b); break;
      case 'redirect': {
        const res = await fetch(base + sub(a), { redirect: 'manual' });
        const loc = res.headers.get('location');
        if (res.status < 300 || res.status > 308 || loc !== b) throw new Error(step + ': ' + res.status + ' to ' + loc);
        break;
      }
    }
  }
}

async function check(browser, t) {
  const app = LOCAL ? await localApp(t) : await spawndApp(t);
  const context = await browser.newContext();
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(e.message));
  try {
    const res = await page.goto(app.url, { waitUntil: 'load', timeout: 20000 });
    if (!res || res.status() >= 400) throw new Error('the app answered ' + (res && res.status()));
    await sleep(150);
    const own = (await ownText(page, t.prompt)).toLowerCase();
    const missing = t.words.filter((w) => !own.includes(w.toLowerCase()));
    if (missing.length) throw new Error('the page does not show: ' + missing.join(', '));
    await runSteps(t, app, page);
    if (errors.length) throw new Error('console errors: ' + errors.slice(0, 3).join(' | '));
    return { ok: true, app };
  } catch (e) {
    return { ok: false, app, reason: e.message.split('\n')[0] };
  } finally {
    await context.close();
    await app.close();
  }
}

const median = (xs) => { const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b); return s.length ? s[Math.floor((s.length - 1) / 2)] : NaN; };
const pct = (xs, p) => { const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)] : NaN; };

async function main() {
  let prompts = readPrompts();
  if (ONLY) prompts = prompts.filter((p) => ONLY.split(',').includes(p.id));
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({ executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'] });
  const results = new Array(prompts.length);
  let next = 0;
  async function worker() {
    while (next < prompts.length) {
      const i = next++;
      const t = prompts[i];
      let r;
      try { r = await check(browser, t); } catch (e) { r = { ok: false, reason: e.message.split('\n')[0] }; }
      results[i] = r;
      const gen = r.app && Number.isFinite(r.app.cpuMs) ? r.app.cpuMs.toFixed(1) + ' ms' : '?';
      const run = r.app ? (r.app.runMs / 1000).toFixed(1) + ' s' : '?';
      console.log((r.ok ? 'PASS ' : 'FAIL ') + t.id.padEnd(22) + ' ' + (r.app && r.app.template ? String(r.app.template).padEnd(16) : ''.padEnd(16)) +
        ' gen ' + gen.padStart(8) + '  running ' + run.padStart(6) + '  ' + t.type.padEnd(6) + ' "' + t.prompt + '"' + (r.ok ? '' : '\n     -> ' + r.reason));
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, CONCURRENCY) }, worker));
  await browser.close();
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed;
  const gens = results.map((r) => r.app && r.app.cpuMs);
  const walls = results.map((r) => r.app && r.app.genMs);
  const runs = results.map((r) => r.app && r.app.runMs);
  console.log('');
  console.log(`${passed} passed, ${failed} failed (${(100 * passed / Math.max(1, results.length)).toFixed(1)} %, threshold ${(100 * THRESHOLD).toFixed(0)} %)`);
  console.log(`template generation (cpu): median ${median(gens).toFixed(1)} ms, max ${Math.max(...gens.filter(Number.isFinite)).toFixed(1)} ms (limit 50 ms);` +
    ` wall: median ${median(walls).toFixed(1)} ms, max ${Math.max(...walls.filter(Number.isFinite)).toFixed(1)} ms` +
    ` · time to running: median ${(median(runs) / 1000).toFixed(2)} s, p90 ${(pct(runs, 0.9) / 1000).toFixed(2)} s` + (LOCAL ? ' (local mode: no spawnd)' : ''));
  const slow = gens.filter((g) => Number.isFinite(g) && g >= 50).length;
  if (slow) console.log(`${slow} generations took 50 ms or more`);
  process.exit(passed / Math.max(1, results.length) >= THRESHOLD && !slow ? 0 : 1);
}

main().catch((e) => { console.error(e); process.exit(2); });
