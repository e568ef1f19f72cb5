'use strict';
// SpawnAI in-container runner: waits for a deployed app in the slot, then runs it.
//
// Contract with the host (DESIGN §6; the C++ side is infra/docker_engine):
// - /srv/slot is bind-mounted read-only. The container starts with it empty (warm pool).
// - The host writes the app's files under /srv/slot/app/, then, last and atomically
//   (write a temp file, rename), /srv/slot/manifest.json:
//   {"type":"webapp|api|script","run":["node","server.js"],"entry":"index.html","title":"..."}
// - Until the manifest arrives nothing listens on port 8080, so "the app answers"
//   means "the app is deployed".
// - webapp, site, or any type with an empty `run`: /srv/slot/app is served statically
//   on 0.0.0.0:8080 (`entry`, default index.html, answers for directories).
//   api: `run` is spawned in /srv/slot/app with PORT=8080; the runner exits with its code.
//   script: `run` runs once (30 s, 1 MiB of output), its output is then served on 8080.
// - GET /__spawn/health answers 200 "ok" whenever the runner serves (never shadows app paths).
// Only Node's standard library is used.

const fs = require('fs');
const http = require('http');
const path = require('path');
const os = require('os');
const { spawn } = require('child_process');

const SLOT = process.env.SPAWN_SLOT_DIR || '/srv/slot';
const APP = path.join(SLOT, 'app');
const MANIFEST = path.join(SLOT, 'manifest.json');
const PORT = Number(process.env.SPAWN_PORT || 8080);
// The fallback poll for the manifest starts fast and backs off: a warm
// container may wait for minutes, and hundreds of them polling every 20 ms
// would eat the node's CPU (inotify is what makes a deployment quick).
const POLL_MS = 20;
const POLL_MAX_MS = 500;
const SCRIPT_TIMEOUT_MS = Number(process.env.SPAWN_SCRIPT_TIMEOUT_MS || 30000);
const OUTPUT_CAP = 1 << 20;
const HEALTH_PATH = '/__spawn/health';
const started = Date.now();
/// What a stop signal does; an api replaces it to stop its child first.
let onStop = (sig) => { log(`${sig}: exiting`); process.exit(0); };

function log(msg) {
  process.stdout.write(`${new Date().toISOString()} spawn-runner: ${msg}\n`);
}

const MIME = {
  '.html': 'text/html; charset=utf-8', '.htm': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8', '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8', '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8', '.txt': 'text/plain; charset=utf-8',
  '.md': 'text/markdown; charset=utf-8', '.csv': 'text/csv; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8', '.svg': 'image/svg+xml',
  '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif',
  '.webp': 'image/webp', '.avif': 'image/avif', '.ico': 'image/x-icon',
  '.bmp': 'image/bmp', '.woff': 'font/woff', '.woff2': 'font/woff2', '.ttf': 'font/ttf',
  '.otf': 'font/otf', '.wasm': 'application/wasm', '.pdf': 'application/pdf',
  '.mp3': 'audio/mpeg', '.ogg': 'audio/ogg', '.wav': 'audio/wav', '.mp4': 'video/mp4',
  '.webm': 'video/webm', '.webmanifest': 'application/manifest+json',
};

function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => (
    { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
}

function page(title, bodyHtml) {
  return '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    `<title>${escapeHtml(title)}</title><style>body{font-family:system-ui,sans-serif;` +
    'margin:2rem;max-width:60rem}pre{background:#f4f4f4;padding:1rem;overflow:auto;' +
    'white-space:pre-wrap}</style></head><body>' + bodyHtml + '</body></html>\n';
}

/// Sends a complete in-memory response; HEAD gets the headers only.
function reply(req, res, status, type, body, extra) {
  const buf = Buffer.isBuffer(body) ? body : Buffer.from(String(body));
  res.writeHead(status, Object.assign({
    'Content-Type': type, 'Content-Length': buf.length, 'Cache-Control': 'no-cache',
    'X-Content-Type-Options': 'nosniff',
  }, extra || {}));
  res.end(req.method === 'HEAD' ? undefined : buf);
}

function notFound(req, res) {
  reply(req, res, 404, 'text/html; charset=utf-8',
    page('Not found', '<h1>404 — not found</h1><p>There is nothing at this address.</p>'));
}

/// Common front door: health, method check. Returns true when it answered.
function frontDoor(req, res, pathname) {
  if (pathname === HEALTH_PATH) {
    reply(req, res, 200, 'text/plain; charset=utf-8', 'ok\n');
    return true;
  }
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    reply(req, res, 405, 'text/plain; charset=utf-8', 'method not allowed\n',
      { Allow: 'GET, HEAD' });
    return true;
  }
  return false;
}

function parsePath(req) {
  const raw = (req.url || '/').split('?')[0].split('#')[0];
  try {
    return decodeURIComponent(raw);
  } catch (e) {
    return null;
  }
}

/// Static files of `root`; `entry` answers for directories. Refuses anything outside root,
/// symlinks included.
function staticHandler(root, entry) {
  const realRoot = fs.realpathSync(root);
  return (req, res) => {
    const pathname = parsePath(req);
    if (pathname === null || pathname.includes('\0')) {
      reply(req, res, 400, 'text/plain; charset=utf-8', 'bad request\n');
      return;
    }
    if (frontDoor(req, res, pathname)) return;
    let file = path.join(realRoot, path.normalize('/' + pathname));
    fs.realpath(file, (err, real) => {
      if (err || (real !== realRoot && !real.startsWith(realRoot + path.sep))) {
        notFound(req, res);
        return;
      }
      fs.stat(real, (err2, st) => {
        if (err2) { notFound(req, res); return; }
        if (st.isDirectory()) {
          if (!pathname.endsWith('/')) {
            const q = (req.url || '').includes('?') ? req.url.slice(req.url.indexOf('?')) : '';
            res.writeHead(301, { Location: encodeURI(pathname) + '/' + q, 'Content-Length': 0 });
            res.end();
            return;
          }
          file = path.join(real, entry);
          fs.realpath(file, (err3, realEntry) => {
            if (err3 || !realEntry.startsWith(realRoot + path.sep)) { notFound(req, res); return; }
            fs.stat(realEntry, (err4, st2) => {
              if (err4 || !st2.isFile()) { notFound(req, res); return; }
              sendFile(req, res, realEntry, st2);
            });
          });
          return;
        }
        if (!st.isFile()) { notFound(req, res); return; }
        sendFile(req, res, real, st);
      });
    });
  };
}

function sendFile(req, res, file, st) {
  const type = MIME[path.extname(file).toLowerCase()] || 'application/octet-stream';
  res.writeHead(200, {
    'Content-Type': type, 'Content-Length': st.size, 'Cache-Control': 'no-cache',
    'Last-Modified': st.mtime.toUTCString(), 'X-Content-Type-Options': 'nosniff',
  });
  if (req.method === 'HEAD') { res.end(); return; }
  const stream = fs.createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

function listen(handler, what) {
  const server = http.createServer((req, res) => {
    try {
      handler(req, res);
    } catch (e) {
      log(`request failed: ${e && e.message}`);
      if (!res.headersSent) reply(req, res, 500, 'text/plain; charset=utf-8', 'error\n');
      else res.destroy();
    }
  });
  server.on('error', (e) => { log(`cannot listen on ${PORT}: ${e.message}`); process.exit(3); });
  server.listen(PORT, '0.0.0.0', () => log(`serving ${what} on :${PORT}`));
  return server;
}

function childEnv() {
  return {
    PATH: process.env.PATH || '/usr/local/bin:/usr/bin:/bin',
    PORT: String(PORT), HOME: '/tmp', NODE_ENV: 'production', TMPDIR: '/tmp',
    LANG: process.env.LANG || 'C.UTF-8',
  };
}

function runApi(m) {
  log(`starting api: ${JSON.stringify(m.run)}`);
  const child = spawn(m.run[0], m.run.slice(1), {
    cwd: APP, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout.pipe(process.stdout, { end: false });
  child.stderr.pipe(process.stdout, { end: false });
  child.on('error', (e) => { log(`cannot start api: ${e.message}`); process.exit(127); });
  child.on('exit', (code, signal) => {
    const status = code !== null ? code : 128 + (os.constants.signals[signal] || 0);
    log(`api exited (code ${code}, signal ${signal}); runner exits with ${status}`);
    process.exitCode = status;
    setImmediate(() => process.exit(status));
  });
  onStop = (sig) => { log(`${sig}: stopping api`); child.kill(sig); };
}

function looksLikeHtml(s) {
  return /^\s*(<!doctype|<html)/i.test(s);
}

function runScript(m) {
  log(`running script: ${JSON.stringify(m.run)}`);
  const t0 = Date.now();
  const chunks = [];
  const outChunks = [];
  let size = 0;
  let truncated = false;
  let timedOut = false;
  // Its own process group, so that the time limit also stops what it spawned.
  const child = spawn(m.run[0], m.run.slice(1), {
    cwd: APP, env: childEnv(), stdio: ['ignore', 'pipe', 'pipe'], detached: true,
  });
  const collect = (isStdout) => (buf) => {
    if (size >= OUTPUT_CAP) { truncated = true; return; }
    const part = buf.length > OUTPUT_CAP - size ? buf.subarray(0, OUTPUT_CAP - size) : buf;
    if (part.length < buf.length) truncated = true;
    size += part.length;
    chunks.push(part);
    if (isStdout) outChunks.push(part);
  };
  child.stdout.on('data', collect(true));
  child.stderr.on('data', collect(false));
  let finished = false;
  const timer = setTimeout(() => {
    timedOut = true;
    try { process.kill(-child.pid, 'SIGKILL'); } catch (e) { child.kill('SIGKILL'); }
    // Output pipes held open by a stray process must not hold the page back.
    setTimeout(() => finish(null, 'SIGKILL', null), 1000);
  }, SCRIPT_TIMEOUT_MS);
  const finish = (code, signal, error) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    const all = Buffer.concat(chunks).toString('utf8');
    const stdout = Buffer.concat(outChunks).toString('utf8');
    const ms = Date.now() - t0;
    log(`script finished in ${ms} ms (code ${code}, signal ${signal}, ${size} bytes` +
      `${truncated ? ', truncated' : ''}${timedOut ? ', timed out' : ''})`);
    serveScript(m, { all, stdout, code, signal, error, truncated, timedOut, ms });
  };
  child.on('error', (e) => finish(null, null, e.message));
  child.on('close', (code, signal) => finish(code, signal, null));
}

function serveScript(m, r) {
  const title = m.title || 'Script output';
  let html;
  if (!r.error && looksLikeHtml(r.stdout)) {
    html = r.stdout;
  } else {
    const status = r.error ? `could not start: ${r.error}`
      : r.timedOut ? `killed after ${SCRIPT_TIMEOUT_MS / 1000} s (time limit)`
        : r.code !== null ? `exit code ${r.code}` : `killed by ${r.signal}`;
    html = page(title, `<h1>${escapeHtml(title)}</h1>` +
      `<p class="status">Finished in ${r.ms} ms — ${escapeHtml(status)}` +
      `${r.truncated ? ' — output truncated at 1 MiB' : ''}</p>` +
      `<pre id="output">${escapeHtml(r.all)}</pre>` +
      '<p><a href="/output.txt">raw output</a></p>');
  }
  listen((req, res) => {
    const pathname = parsePath(req);
    if (pathname !== null && frontDoor(req, res, pathname)) return;
    if (pathname === '/' || pathname === '/index.html') {
      reply(req, res, 200, 'text/html; charset=utf-8', html);
    } else if (pathname === '/output.txt') {
      reply(req, res, 200, 'text/plain; charset=utf-8', r.all);
    } else {
      notFound(req, res);
    }
  }, 'script output');
}

/// Validates the manifest; returns an error string or null.
function checkManifest(m) {
  if (!m || typeof m !== 'object' || Array.isArray(m)) return 'not a JSON object';
  if (!['webapp', 'api', 'script', 'site'].includes(m.type)) return `unknown type ${m.type}`;
  if (m.run !== undefined && (!Array.isArray(m.run) ||
      !m.run.every((x) => typeof x === 'string'))) return 'run must be an array of strings';
  if (m.entry !== undefined && (typeof m.entry !== 'string' || m.entry.includes('..'))) {
    return 'bad entry';
  }
  return null;
}

function deploy(m) {
  const problem = checkManifest(m);
  if (problem) {
    log(`bad manifest: ${problem}`);
    process.exit(2);
  }
  log(`manifest found after ${Date.now() - started} ms: type=${m.type}` +
    ` title=${JSON.stringify(m.title || '')}`);
  const hasRun = Array.isArray(m.run) && m.run.length > 0;
  if (m.type === 'api' && hasRun) runApi(m);
  else if (m.type === 'script' && hasRun) runScript(m);
  else listen(staticHandler(fs.existsSync(APP) ? APP : SLOT, m.entry || 'index.html'),
    `static files of ${APP}`);
}

/// Waits for the manifest: inotify on the slot for speed, a short poll because
/// watches on bind mounts are not guaranteed everywhere.
function waitForManifest() {
  let done = false;
  let watcher = null;
  let timer = null;
  let badSince = 0;
  const check = () => {
    if (done) return;
    let m;
    try {
      m = JSON.parse(fs.readFileSync(MANIFEST, 'utf8'));
    } catch (e) {
      if (e.code === 'ENOENT') return;
      // A writer that did not rename atomically may still be writing: allow it 2 s.
      badSince = badSince || Date.now();
      if (Date.now() - badSince < 2000) return;
      log(`manifest unreadable: ${e.message}`);
      process.exit(2);
    }
    done = true;
    clearTimeout(timer);
    if (watcher) watcher.close();
    deploy(m);
  };
  try {
    watcher = fs.watch(SLOT, { persistent: true }, (_ev, name) => {
      if (!name || name === 'manifest.json') check();
    });
    watcher.on('error', (e) => log(`watch failed (${e.message}); polling only`));
  } catch (e) {
    log(`cannot watch ${SLOT} (${e.message}); polling only`);
  }
  let every = POLL_MS;
  const tick = () => {
    check();
    if (done) return;
    every = Math.min(POLL_MAX_MS, every * 2);
    timer = setTimeout(tick, every);
  };
  timer = setTimeout(tick, every);
  check();
}

process.on('SIGTERM', () => onStop('SIGTERM'));
process.on('SIGINT', () => onStop('SIGINT'));
log(`started (node ${process.version}, pid ${process.pid}); waiting for ${MANIFEST}`);
waitForManifest();
