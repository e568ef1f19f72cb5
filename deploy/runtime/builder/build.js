'use strict';
// SpawnAI builder: installs and builds one uploaded tree inside the builder
// sandbox (spawnai/builder-node:1; the C++ side is infra/source_builder).
//
// Contract with the host:
// - /src (read-only): the extracted upload. /work: a tmpfs of source.disk_mb,
//   the only place the build writes (a full disk fails the build). /out: where
//   the result goes; /cache (read-only, optional): node_modules of an earlier
//   install with the same lockfile.
// - argv[2]: the plan (core/source_plan.hpp) as JSON: install, lockfile,
//   omit_dev, build_script, output, next, allow_scripts.
// - Writes /out/app (the tree the app runs from), /out/modules when it
//   installed fresh (the host keeps it as the cache), /out/result.json
//   ({"static": bool, "run": [...]}). Logs go to stdout, one line a step.
// - Exit 0: built; 3: out of disk; 4: the build step failed; 5: no output.
const fs = require('fs');
const path = require('path');
const { spawnSync } = require('child_process');

const plan = JSON.parse(process.argv[2] || '{}');
const APP = '/work/app';
const NPM = ['/usr/lib/node_modules/npm/bin/npm-cli.js'];
function log(m) { process.stdout.write(`builder: ${m}\n`); }
function done(code, why) { if (why) log(why); process.exit(code); }

function copy(from, to) {
  fs.cpSync(from, to, { recursive: true, verbatimSymlinks: true, dereference: false });
}

function guard(fn, what) {
  try { fn(); } catch (e) {
    if (e && e.code === 'ENOSPC') done(3, `out of disk while ${what}`);
    done(4, `${what} failed: ${e && e.message}`);
  }
}

function npm(args, what) {
  const t = Date.now();
  log(`${what}: npm ${args.join(' ')}`);
  const r = spawnSync(process.execPath, NPM.concat(args), {
    cwd: APP, stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 64 << 20,
    env: Object.assign({}, process.env),
  });
  const text = `${r.stdout || ''}${r.stderr || ''}`;
  for (const line of text.split('\n')) if (line.trim()) process.stdout.write(`  ${line}\n`);
  if (/ENOSPC|no space left on device/i.test(text)) done(3, `out of disk during ${what}`);
  if (r.status !== 0) done(4, `${what} failed (exit ${r.status === null ? r.signal : r.status})`);
  log(`${what}: done in ${Date.now() - t} ms`);
}

guard(() => copy('/src', APP), 'copying the upload');
const cached = fs.existsSync('/cache/node_modules');
if (plan.install && cached) {
  const t = Date.now();
  guard(() => copy('/cache/node_modules', path.join(APP, 'node_modules')), 'restoring the cache');
  log(`dependencies from the cache (lockfile hash) in ${Date.now() - t} ms`);
} else if (plan.install) {
  const args = [plan.lockfile ? 'ci' : 'install', '--no-audit', '--no-fund',
    '--no-update-notifier', '--loglevel=warn'];
  if (!plan.allow_scripts) args.push('--ignore-scripts');
  if (plan.omit_dev) args.push('--omit=dev');
  npm(args, plan.lockfile ? 'npm ci' : 'npm install');
  if (fs.existsSync(path.join(APP, 'node_modules')))
    guard(() => copy(path.join(APP, 'node_modules'), '/out/modules'), 'saving the cache');
}
if (plan.build_script) npm(['run', plan.build_script], 'build');

let result = { static: false, run: plan.run || [] };
let from = APP;
if (plan.next) {
  if (fs.existsSync(path.join(APP, 'out', 'index.html'))) {
    result.static = true;
    from = path.join(APP, 'out');
    log('Next.js static export: serving out/');
  } else {
    result.run = ['node', 'node_modules/next/dist/bin/next', 'start'];
    log('Next.js server: next start');
    fs.rmSync(path.join(APP, '.next', 'cache'), { recursive: true, force: true });
  }
} else if (plan.output) {
  from = path.join(APP, plan.output);
  result.static = true;
  if (!fs.existsSync(path.join(from, 'index.html')))
    done(5, `the build left no ${plan.output}/index.html`);
}
fs.rmSync(path.join(APP, '.npm-cache'), { recursive: true, force: true });
guard(() => copy(from, '/out/app'), 'saving the result');
fs.writeFileSync('/out/result.json', JSON.stringify(result));
log('built');
