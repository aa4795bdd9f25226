// make bench: builds release binaries, measures Citewise against the floor (the smallest Tauri v2
// app, bench/floor, built and measured in the same run) under Xvfb with the local server, and
// writes BENCHMARKS.md (the table) and bench/results/latest.json (every run's numbers).
//
//   node bench/run.mjs [--skip-build] [--runs 5] [--memory-runs 3] [--stream-runs 3]
//                      [--only size,launch,stream,search]
//   node bench/run.mjs --report-only     (BENCHMARKS.md again from bench/results/latest.json)
//
// Run it inside scripts/with-desktop.sh (make bench does). Each metric comes from a producer in
// PRODUCERS below: a producer measures, returns its raw numbers and the table rows it stands for,
// and a producer that cannot run (a missing part) returns rows saying so instead of failing.
// With --only, the other producers' numbers and rows in latest.json are kept as they were.
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = resolve(import.meta.dirname, '..');
const TARGET = join(ROOT, 'target');
const REL = join(TARGET, 'release');
const BIN = {
  app: join(REL, 'citewise'),
  mock: join(REL, 'citewise-mock'),
  floor: join(REL, 'citewise-floor'),
  seed: join(REL, 'citewise-seed'),
  searchBench: join(REL, 'citewise-bench-search'),
};
const SEED_DIR = join(ROOT, 'bench/seed');
const FLOOR_DIR = join(ROOT, 'bench/floor');
const TAURI_CLI = join(ROOT, 'scripts/tauri.sh'); // installs the pinned CLI when it is missing
// e2e/support.mjs reads these when it is first imported: the release builds, not the debug ones.
process.env.CITEWISE_MOCK = BIN.mock;
process.env.CITEWISE_APP = BIN.app;

const { values: opts } = parseArgs({
  options: {
    'skip-build': { type: 'boolean', default: false },
    runs: { type: 'string', default: '5' },
    'memory-runs': { type: 'string', default: '3' },
    // Streaming runs per page (floor, Citewise, interleaved): 5,000 tokens each, about 20 s a pair.
    'stream-runs': { type: 'string', default: '3' },
    only: { type: 'string', default: '' },
    // Rewrite BENCHMARKS.md from bench/results/latest.json (after editing bench/results/notes.md).
    'report-only': { type: 'boolean', default: false },
  },
});
const RUNS = Math.max(1, Number(opts.runs));
const MEMORY_RUNS = Math.min(RUNS, Math.max(1, Number(opts['memory-runs'])));
const STREAM_RUNS = Math.max(1, Number(opts['stream-runs']));
const ONLY = new Set(opts.only.split(',').filter(Boolean));

const S = await import('./support.mjs');
const E2E = await import('../e2e/support.mjs');
// Progress goes to stdout: scripts/with-desktop.sh filters stderr through a (block-buffered) grep.
const log = (...a) => console.log('[bench]', ...a);

/** Runs a command to completion with inherited output; throws on failure. Returns seconds taken. */
function run(cmd, args, { cwd = ROOT, env = {} } = {}) {
  log('$', cmd, ...args);
  const t = Date.now();
  const r = spawnSync(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 1, 1] });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (${r.status ?? r.signal})`);
  return (Date.now() - t) / 1000;
}

const fileSize = (path) => (existsSync(path) ? statSync(path).size : null);
const MB = (bytes) => (bytes == null ? null : bytes / 2 ** 20);
const round = (x, d = 1) => (x == null ? null : Math.round(x * 10 ** d) / 10 ** d);
const ratio = (a, b) => (a == null || b == null || b === 0 ? null : a / b);

// ---------------------------------------------------------------------------------------------
// Building

const seedAvailable = () => existsSync(join(SEED_DIR, 'Cargo.toml'));

function build(raw) {
  const times = {};
  // The same command as `make demo`, so the two share their build.
  times.appAndMock = run('cargo', ['build', '--release', '-p', 'citewise', '-p', 'citewise-mock', '--bins',
    '--features', 'citewise/custom-protocol']);
  // The floor and the seed are workspaces of their own; the root target dir shares every crate
  // they have in common with the app (same Cargo.lock versions, same profile).
  times.floor = run('cargo', ['build', '--release', '--manifest-path', join(FLOOR_DIR, 'Cargo.toml'),
    '--features', 'custom-protocol'], { env: { CARGO_TARGET_DIR: TARGET } });
  if (seedAvailable()) {
    times.seed = run('cargo', ['build', '--release', '--manifest-path', join(SEED_DIR, 'Cargo.toml'), '--bins'],
      { env: { CARGO_TARGET_DIR: TARGET } });
  }
  raw.buildSeconds = times;
}

/** The .deb of the app (and of the floor) from the binaries built above: `tauri bundle`. */
function bundleDebs() {
  const debDir = join(REL, 'bundle/deb');
  rmSync(debDir, { recursive: true, force: true });
  run(TAURI_CLI, ['bundle', '--bundles', 'deb', '--features', 'custom-protocol'], { env: { CARGO_TARGET_DIR: TARGET } });
  run(TAURI_CLI, ['bundle', '--bundles', 'deb', '--features', 'custom-protocol', '--config', '{"bundle":{"active":true}}'],
    { cwd: FLOOR_DIR, env: { CARGO_TARGET_DIR: TARGET } });
  const debs = execFileSync('find', [debDir, '-maxdepth', '1', '-name', '*.deb'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  return {
    app: debs.find((d) => /\/Citewise_[^/]*\.deb$/.test(d)) ?? null,
    floor: debs.find((d) => /floor[^/]*\.deb$/i.test(d)) ?? null,
  };
}

/**
 * The large history (deterministic), copied for every launch. Kept in target/bench between runs
 * and generated again only when citewise-seed changed.
 */
function seedHistory(raw) {
  if (!seedAvailable() || !existsSync(BIN.seed)) return null;
  const dir = join(TARGET, 'bench/history-large');
  const stampFile = join(TARGET, 'bench/history-large.json');
  const { mtimeMs, size } = statSync(BIN.seed);
  const stamp = existsSync(stampFile) ? JSON.parse(readFileSync(stampFile, 'utf8')) : null;
  if (stamp && stamp.seedMtimeMs === mtimeMs && stamp.seedSize === size && existsSync(join(dir, 'history.sqlite3'))) {
    log('reusing the large history in', dir);
    raw.seed = { ...stamp.report, reused: true };
    return { dir, longId: stamp.report.longConversationId ?? null };
  }
  rmSync(stampFile, { force: true });
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log('seeding the large history (10,000 conversations, 200,000 messages)');
  const t = Date.now();
  const out = execFileSync(BIN.seed, ['--out', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const report = JSON.parse(out.trim().split('\n').at(-1));
  raw.seed = { ...report, wallSeconds: (Date.now() - t) / 1000 };
  writeFileSync(stampFile, JSON.stringify({ seedMtimeMs: mtimeMs, seedSize: size, report }));
  return { dir, longId: report.longConversationId ?? null };
}

// ---------------------------------------------------------------------------------------------
// Producers. Each gets the context and returns {raw, rows}. A row:
//   {metric, unit, floor, citewise, ratio, goal, pass (true/false/null), note}

const notMeasured = (metric, goal, why) => ({ metric, unit: '', floor: null, citewise: null, ratio: null, goal, pass: null, note: `not measured in this run: ${why}` });

async function sizeProducer(ctx) {
  const raw = { binary: { app: fileSize(BIN.app), floor: fileSize(BIN.floor) } };
  let debs = { app: null, floor: null };
  try {
    debs = bundleDebs();
  } catch (err) {
    raw.debError = String(err.message ?? err);
  }
  raw.deb = { app: debs.app && fileSize(debs.app), floor: debs.floor && fileSize(debs.floor), files: debs };
  const rows = [{
    metric: 'Size: release binary', unit: 'MB', floor: MB(raw.binary.floor), citewise: MB(raw.binary.app),
    ratio: ratio(raw.binary.app, raw.binary.floor), goal: '—', pass: null, note: 'stripped, LTO, opt-level "s"',
  }];
  if (raw.deb.app) {
    rows.push({
      metric: 'Size: .deb', unit: 'MB', floor: MB(raw.deb.floor), citewise: MB(raw.deb.app),
      ratio: ratio(raw.deb.app, raw.deb.floor), goal: '≤ 12 MB', pass: MB(raw.deb.app) <= 12, note: '',
    });
  } else {
    rows.push(notMeasured('Size: .deb', '≤ 12 MB', raw.debError ?? 'no .deb was built'));
  }
  return { raw, rows };
}

/** Opens the long conversation from the sidebar and waits until its messages hold still. */
async function openLong(driver, longId) {
  const sel = `[data-testid="conversation-item"][data-id="${longId}"]`;
  // It is pinned, so on the first page; scroll the list for later pages just in case.
  await E2E.waitUntil(() => driver.executeScript(`
    const item = document.querySelector(arguments[0]);
    if (item) return true;
    const list = document.getElementById('history');
    list.scrollTop = list.scrollHeight;
    return false;`, sel), 30_000, 'the long conversation in the sidebar');
  await driver.executeScript('document.querySelector(arguments[0]).click()', sel);
  let last = -1;
  let same = 0;
  await E2E.waitUntil(async () => {
    const n = await driver.executeScript(
      'return document.querySelectorAll(\'[data-testid="message-user"], [data-testid="message-assistant"]\').length');
    same = n > 0 && n === last ? same + 1 : 0;
    last = n;
    await S.sleep(200);
    return same >= 5;
  }, 60_000, 'the long conversation to render');
  // What the window holds for it, to read the memory next to.
  return driver.executeScript(`
    const list = document.querySelector('[data-testid="message-list"]');
    return {
      messages: arguments[0],
      elements: document.getElementsByTagName('*').length,
      listElements: list ? list.getElementsByTagName('*').length : null,
      listTextChars: list ? list.textContent.length : null,
      listHtmlChars: list ? list.innerHTML.length : null,
    };`, last);
}

/** One launch: start-up to the paint mark, and (on memory runs) PSS once idle. */
async function launchOnce(ctx, config, { memory }) {
  const dataDir = config.app === BIN.app ? mkdtempSync(join(tmpdir(), 'citewise-bench-')) : null;
  if (dataDir && config.history) cpSync(config.history, dataDir, { recursive: true });
  const env = dataDir
    ? { CITEWISE_DATA_DIR: dataDir, PERPLEXITY_BASE_URL: ctx.mock.baseUrl, PERPLEXITY_API_KEY: E2E.KEY }
    : {};
  const app = await S.launch(config.app, env);
  try {
    const mark = await S.markTime(app.driver, config.mark);
    const started = S.startEpochMs(app.pid, ctx.bootMs);
    const out = {
      startupMs: mark.at - started,
      toTimeOriginMs: mark.timeOrigin - started,
      markMs: mark.markMs,
      responseEndMs: mark.responseEndMs,
      domInteractiveMs: mark.domInteractiveMs,
      domContentLoadedStartMs: mark.domContentLoadedStartMs,
      domContentLoadedMs: mark.domContentLoadedMs,
      marks: mark.marks,
    };
    if (memory) {
      // Idle: at least 5 s after the paint, then PSS steady within 2 % over 1 s.
      await S.sleep(Math.max(0, mark.at + 5000 - Date.now()));
      out.idle = await S.settledPss(app.pid);
      if (config.openLong) {
        out.longConversation = await openLong(app.driver, config.openLong);
        await S.sleep(5000);
        out.opened = await S.settledPss(app.pid);
      }
    }
    return out;
  } finally {
    await app.close();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
    await S.sleep(500);
  }
}

const pssMB = (r) => (r ? r.totalKb / 1024 : null);
const byName = (r) => {
  if (!r) return null;
  const out = {};
  for (const p of r.procs) out[p.name] = round((out[p.name] ?? 0) + p.pssKb / 1024, 1);
  return out;
};

async function launchProducer(ctx) {
  const configs = [
    { key: 'floor', app: BIN.floor, mark: 'floor:painted' },
    { key: 'empty', app: BIN.app, mark: 'citewise:list-painted' },
  ];
  if (ctx.large) configs.push({ key: 'large', app: BIN.app, mark: 'citewise:list-painted', history: ctx.large.dir, openLong: ctx.large.longId });
  const raw = Object.fromEntries(configs.map((c) => [c.key, []]));
  // Interleaved (floor, empty, large, floor, …), so drift over the run touches all alike.
  for (let i = 0; i < RUNS; i += 1) {
    for (const config of configs) {
      const memory = i < MEMORY_RUNS;
      log(`launch ${i + 1}/${RUNS}: ${config.key}${memory ? ' (+ memory)' : ''}`);
      try {
        raw[config.key].push(await launchOnce(ctx, config, { memory }));
      } catch (err) {
        log(`  failed: ${err.message}`);
        raw[config.key].push({ error: String(err.message ?? err) });
      }
    }
  }
  const med = (key, f) => S.median((raw[key] ?? []).map(f).filter((x) => x != null));
  const mem = {
    floor: med('floor', (r) => pssMB(r.idle)),
    empty: med('empty', (r) => pssMB(r.idle)),
    largeIdle: med('large', (r) => pssMB(r.idle)),
    largeOpen: med('large', (r) => pssMB(r.opened)),
  };
  const start = {
    floor: med('floor', (r) => r.startupMs),
    empty: med('empty', (r) => r.startupMs),
    large: med('large', (r) => r.startupMs),
  };
  const mb = (k) => (r) => (r ? r[k] / 1024 : null);
  const summary = {
    memoryMB: mem,
    // Private pages only: unlike PSS, other programs mapping WebKit meanwhile cannot shift these.
    ussMB: {
      floor: med('floor', (r) => mb('ussKb')(r.idle)),
      empty: med('empty', (r) => mb('ussKb')(r.idle)),
      largeIdle: med('large', (r) => mb('ussKb')(r.idle)),
      largeOpen: med('large', (r) => mb('ussKb')(r.opened)),
    },
    startupMs: start,
    breakdownMB: {
      floor: byName((raw.floor ?? []).find((r) => r.idle)?.idle),
      empty: byName((raw.empty ?? []).find((r) => r.idle)?.idle),
      largeOpen: byName((raw.large ?? []).find((r) => r.opened)?.opened),
    },
  };
  const rows = [];
  const memRow = (metric, value, limit, note) => ({
    metric, unit: 'MB', floor: mem.floor, citewise: value, ratio: ratio(value, mem.floor), goal: `≤ ${limit}× floor`,
    pass: value == null || mem.floor == null ? null : value / mem.floor <= limit, note,
  });
  rows.push(memRow('Memory (PSS, whole tree), idle, empty history', mem.empty, 1.25, `median of ${MEMORY_RUNS}`));
  if (ctx.large) {
    rows.push(memRow('Memory, 10,000 conversations / 200,000 messages, 500-message conversation open', mem.largeOpen, 1.6,
      `median of ${MEMORY_RUNS}; with the list only: ${round(mem.largeIdle)} MB`));
  } else {
    rows.push(notMeasured('Memory, 10,000 conversations / 200,000 messages, 500-message conversation open', '≤ 1.6× floor', ctx.largeWhy));
  }
  rows.push({
    metric: 'Start-up: process start → list painted, empty history', unit: 'ms', floor: start.floor, citewise: start.empty,
    ratio: ratio(start.empty, start.floor), goal: '≤ 1.3× floor',
    pass: start.empty == null || start.floor == null ? null : start.empty / start.floor <= 1.3, note: `median of ${RUNS}`,
  });
  if (ctx.large) {
    rows.push({
      metric: 'Start-up: process start → list painted, 10,000 conversations', unit: 'ms', floor: start.floor, citewise: start.large,
      ratio: ratio(start.large, start.floor), goal: `≤ empty + 300 ms`,
      pass: start.large == null || start.empty == null ? null : start.large - start.empty <= 300,
      note: `median of ${RUNS}; ${start.large != null && start.empty != null ? `+${Math.round(start.large - start.empty)} ms over empty` : ''}`,
    });
  } else {
    rows.push(notMeasured('Start-up: process start → list painted, 10,000 conversations', '≤ empty + 300 ms', ctx.largeWhy));
  }
  return { raw: { runs: raw, summary }, rows };
}

/** One streaming run in a fresh floor window. */
async function streamFloorOnce(ctx, stream) {
  const app = await S.launch(BIN.floor);
  try {
    await S.markTime(app.driver, 'floor:painted');
    await S.sleep(1000); // as idle as Citewise below
    return await stream.measureFloorStreaming({ app, mock: ctx.mock });
  } finally {
    await app.close();
    await S.sleep(500);
  }
}

/** One streaming run in a fresh Citewise window (empty history). */
async function streamCitewiseOnce(ctx, stream) {
  const app = await E2E.launchApp(ctx.mock.baseUrl);
  try {
    await S.sleep(1000); // start-up's own work (the model list, the sidebar) out of the way
    return await stream.measureStreaming({ app, mock: ctx.mock });
  } finally {
    await app.close();
    await S.sleep(500);
  }
}

const STREAM_METRICS = {
  p50: 'Streaming: server send → painted, p50',
  p95: 'Streaming: server send → painted, p95',
  added: 'Streaming: added latency, p95 (Citewise p95 − floor p95)',
  frame: 'Streaming: longest frame',
  lost: 'Streaming: tokens lost / reordered',
};

/**
 * The same answer streamed into the floor (its page's fetch(), each delta appended to one text node) and into
 * Citewise, interleaved run by run, measured by the same sampler; added latency = the difference.
 */
async function streamProducer(ctx) {
  const goals = { p50: '—', p95: '—', added: '≤ 16 ms', frame: '≤ 50 ms', lost: '0 / 0' };
  if (!existsSync(join(ROOT, 'bench/stream.mjs'))) {
    return { raw: null, rows: Object.keys(goals).map((k) => notMeasured(STREAM_METRICS[k], goals[k], 'bench/stream.mjs is missing')) };
  }
  const stream = await import('./stream.mjs');
  const runs = { floor: [], citewise: [] };
  for (let i = 0; i < STREAM_RUNS; i += 1) {
    for (const [page, once] of [['floor', streamFloorOnce], ['citewise', streamCitewiseOnce]]) {
      log(`stream ${i + 1}/${STREAM_RUNS}: ${page}`);
      try {
        runs[page].push(await once(ctx, stream));
      } catch (err) {
        log(`  failed: ${err.message}`);
        runs[page].push({ error: String(err.message ?? err) });
      }
    }
  }
  const floor = stream.combineRuns(runs.floor);
  const cw = stream.combineRuns(runs.citewise);
  const added = stream.addedLatency(floor, cw);
  const raw = { runs, summary: { floor, citewise: cw, addedMs: added } };
  const has = (c) => c.runs > 0;
  const over = `median of ${STREAM_RUNS} runs × 5,000 tokens`;
  const rows = [];
  const latencyRow = (key, q, note) => ({
    metric: STREAM_METRICS[key], unit: 'ms', floor: floor.latencyMs[q], citewise: cw.latencyMs[q], ratio: null,
    goal: goals[key], pass: null, note,
  });
  rows.push(latencyRow('p50', 'p50', `${over}; the floor's page reads the stream itself`));
  rows.push(latencyRow('p95', 'p95', `max: floor ${round(floor.latencyMs.max)} ms, Citewise ${round(cw.latencyMs.max)} ms`));
  if (has(floor) && has(cw)) {
    rows.push({
      metric: STREAM_METRICS.added, unit: 'ms', floor: null, citewise: added.p95, ratio: null, goal: goals.added,
      pass: added.p95 <= 16, note: `p50: ${added.p50 < 0 ? '' : '+'}${round(added.p50)} ms`,
    });
  } else {
    rows.push(notMeasured(STREAM_METRICS.added, goals.added, `${has(floor) ? 'Citewise' : 'the floor'} did not stream`));
  }
  const perSecond = (c) => (c.updatesPerSecond == null ? '?' : Math.round(c.updatesPerSecond));
  rows.push({
    metric: STREAM_METRICS.frame, unit: 'ms', floor: floor.longestFrameMs, citewise: cw.longestFrameMs, ratio: null,
    goal: goals.frame, pass: cw.longestFrameMs == null ? null : cw.longestFrameMs <= 50,
    note: `median of the runs' longest; worst run: floor ${round(floor.worstFrameMs)} ms, Citewise ${round(cw.worstFrameMs)} ms; `
      + `the answer's DOM changed ${perSecond(cw)}×/s (floor ${perSecond(floor)}×/s)`,
  });
  const losses = (c) => (has(c) ? `${c.lost} / ${c.reordered}` : null);
  const whole = (c, name) => (c.incomplete ? `${name}'s final text differs from the answer in ${c.incomplete} run(s)` : null);
  rows.push({
    metric: STREAM_METRICS.lost, unit: '', floor: losses(floor), citewise: losses(cw), ratio: null, goal: goals.lost,
    pass: has(cw) ? cw.lost === 0 && cw.reordered === 0 && cw.incomplete === 0 : null,
    note: [whole(cw, 'Citewise'), whole(floor, 'the floor')].filter(Boolean).join('; ')
      || `words lost over all runs / runs with words out of order; the final text equals the answer in every run`,
  });
  for (const [page, c] of [['floor', floor], ['Citewise', cw]]) {
    if (c.failed) rows.at(-1).note += `; ${page}: ${c.failed} run(s) failed (see latest.json)`;
  }
  return { raw, rows };
}

async function searchProducer(ctx) {
  const metric = 'Search: full-text query over 200,000 messages, p95';
  if (!ctx.large || !existsSync(BIN.searchBench)) {
    return { raw: null, rows: [notMeasured(metric, '≤ 30 ms', ctx.large ? 'citewise-bench-search is missing' : ctx.largeWhy)] };
  }
  const out = execFileSync(BIN.searchBench, ['--data', ctx.large.dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 << 20 });
  const r = JSON.parse(out);
  const o = r.search.overall;
  return {
    raw: r,
    rows: [{
      metric, unit: 'ms', floor: null, citewise: o.p95Ms, ratio: null, goal: '≤ 30 ms', pass: o.p95Ms <= 30,
      note: `p50 ${round(o.p50Ms, 2)} ms over ${o.samples} searches (bench/seed's citewise-bench-search)`,
    }],
  };
}

const PRODUCERS = [
  { key: 'size', run: sizeProducer },
  { key: 'launch', run: launchProducer },
  { key: 'stream', run: streamProducer },
  { key: 'search', run: searchProducer },
];

// ---------------------------------------------------------------------------------------------
// Partial runs (--only): the new producers' numbers replace theirs, the rest stays as it was.

const stamp = (m) => ({ date: m.date, commit: m.commit, dirty: m.dirty });

/** Which producer a row came from (rows written before rows said so: by the metric's name). */
function producerOf(row) {
  if (row.producer) return row.producer;
  const prefixes = [['Size', 'size'], ['Memory', 'launch'], ['Start-up', 'launch'], ['Streaming', 'stream'], ['Search', 'search']];
  return prefixes.find(([prefix]) => row.metric.startsWith(prefix))?.[1] ?? null;
}

/** `previous` (latest.json) with the producers measured in `current` replaced, in table order. */
function merge(previous, current) {
  const fresh = new Set(Object.keys(current.measuredAt));
  const measuredAt = { ...previous.measuredAt };
  if (!previous.measuredAt) {
    for (const key of Object.keys(previous.raw ?? {})) if (PRODUCERS.some((p) => p.key === key)) measuredAt[key] = stamp(previous.machine);
  }
  const rows = PRODUCERS.flatMap(({ key }) => (fresh.has(key) ? current.rows : previous.rows).filter((r) => producerOf(r) === key));
  return {
    ...current,
    measuredAt: { ...measuredAt, ...current.measuredAt },
    raw: { ...previous.raw, ...current.raw },
    rows,
  };
}

// ---------------------------------------------------------------------------------------------
// Report

function fmt(v, unit) {
  if (v == null) return '—';
  if (typeof v !== 'number') return String(v);
  const digits = unit === 'ms' ? (v < 100 ? 1 : 0) : unit === 'MB' ? 1 : 2;
  return `${v.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

/** "DATE at COMMIT", per group of producers when partial runs measured them at different points. */
function measuredWhen(result) {
  const at = (s) => `${s.date.slice(0, 10)} at ${s.commit?.slice(0, 10) ?? '?'}${s.dirty ? ' (with local changes)' : ''}`;
  const groups = new Map();
  for (const [key, s] of Object.entries(result.measuredAt ?? {})) groups.set(at(s), [...(groups.get(at(s)) ?? []), key]);
  if (groups.size <= 1) return at(result.machine);
  return [...groups].map(([when, keys]) => `${keys.join(', ')}: ${when}`).join('; ');
}

function markdown(result) {
  const m = result.machine;
  const lines = [
    '# Benchmarks',
    '',
    'How light and fast Citewise is, measured by `make bench` (not part of `make test`; about 20',
    'minutes on 2 cores from a cold target dir, about 7 when the release builds are current). It',
    'builds release binaries, runs the real',
    'window under Xvfb against the local Perplexity-compatible server, and measures it next to',
    'the **floor**: the smallest Tauri v2 app (one static page, `bench/floor/`, never shipped),',
    'built with the same Tauri version, features and release profile and measured in the same run',
    'the same way. The goals are ratios to the floor wherever one exists, so the machine\'s speed',
    'and the WebKitGTK build cancel out.',
    '',
    '- **Memory**: PSS summed over the app process and all its descendants (WebKitWebProcess,',
    '  WebKitNetworkProcess), read from `/proc/<pid>/smaps_rollup` once idle: 5 s after the paint',
    '  mark and steady within 2 % over 1 s. The large history is `bench/seed`\'s deterministic',
    '  10,000 conversations / 200,000 messages.',
    '- **Start-up**: from the process start (`/proc/<pid>/stat`) to the page\'s paint mark',
    '  (`citewise:list-painted`, two animation frames after the first page of the conversation',
    '  list is in the DOM; `floor:painted` for the floor), read through WebDriver.',
    '- **Streaming**: the local server streams one 5,000-token answer at 1,000 tokens/s and logs',
    '  when each token went out. Citewise gets it as usual (asked through the composer; reqwest, the',
    '  relay, the IPC channel, the UI\'s renderer); the floor\'s page reads the very same Agent API',
    '  stream itself (`fetch()` of the mock\'s `GET /__mock/timestamps`) and appends each token to',
    '  the DOM as it arrives: the least any webview app does. One in-page sampler, the same for both,',
    '  notes when each token is on screen: a change made between frames (the floor) is painted by',
    '  the next animation frame, a change made inside an animation-frame callback (Citewise) by that',
    '  same frame; a task queued from that frame runs once it is painted and reads the time (the',
    '  sampler wraps the page\'s `requestAnimationFrame` to tell the two apart); latency = painted − sent. Both',
    '  pay the wait for the next display frame (0–16.7 ms at 60 Hz) and the paint, so Citewise\'s',
    '  **added latency = Citewise p95 − floor p95**. Longest frame: the longest gap between',
    '  animation frames from the question to the last token. Medians over interleaved runs (floor, Citewise, floor, …).',
    '- **Search**: the history benchmark of `bench/seed` on the same large history.',
    '- **Size**: the stripped release binary and the `.deb` from the Tauri CLI (`tauri bundle`).',
    '',
    `Measured ${measuredWhen(result)} on ${m.cpu} (${m.cores} cores, ${Math.round(m.ramMB / 1024)} GB), ${m.os}, Linux ${m.kernel?.split(' ')[1] ?? '?'}, WebKitGTK ${m.webkitgtk}. Raw numbers of every run: \`bench/results/latest.json\`.`,
    '',
    '| metric | floor | Citewise | ratio | goal | result |',
    '|---|---|---|---|---|---|',
  ];
  for (const r of result.rows) {
    const res = r.pass === true ? '✅' : r.pass === false ? '❌' : r.note?.startsWith('not measured') ? '—' : 'ℹ️';
    const note = r.note ? ` <br><sub>${r.note}</sub>` : '';
    lines.push(`| ${r.metric}${note} | ${fmt(r.floor, r.unit)} | ${fmt(r.citewise, r.unit)} | ${r.ratio == null ? '—' : `${r.ratio.toFixed(2)}×`} | ${r.goal} | ${res} |`);
  }
  const b = result.raw.launch?.summary?.breakdownMB;
  if (b) {
    lines.push('', '### Where the memory goes (MB PSS per process, first run)', '');
    const names = [...new Set(Object.values(b).filter(Boolean).flatMap((x) => Object.keys(x)))];
    lines.push(`| process | ${Object.keys(b).join(' | ')} |`, `|---|${Object.keys(b).map(() => '---').join('|')}|`);
    for (const n of names) lines.push(`| ${n} | ${Object.values(b).map((x) => (x?.[n] != null ? x[n].toFixed(1) : '—')).join(' | ')} |`);
  }
  const notesFile = join(ROOT, 'bench/results/notes.md');
  if (existsSync(notesFile)) lines.push('', readFileSync(notesFile, 'utf8').trim());
  lines.push('', '## Running it', '',
    '`make bench` (needs what `make setup-test` installs, plus the Tauri CLI 2.12.5, which `make bench` installs without saving it).',
    '`make bench BENCH_ARGS="--skip-build --runs 3 --only launch"` reruns a part (producers: `size`,',
    '`launch` (memory and start-up), `stream` (`--stream-runs`, 3 by default), `search`) and keeps',
    'the other parts\' numbers; `node bench/run.mjs --report-only` rewrites this file from',
    '`bench/results/latest.json` and `bench/results/notes.md`.', '');
  return lines.join('\n');
}

// ---------------------------------------------------------------------------------------------

if (opts['report-only']) {
  writeFileSync(join(ROOT, 'BENCHMARKS.md'), markdown(JSON.parse(readFileSync(join(ROOT, 'bench/results/latest.json'), 'utf8'))));
  process.exit(0);
}
const result = {
  machine: S.machine(ROOT), options: { runs: RUNS, memoryRuns: MEMORY_RUNS, streamRuns: STREAM_RUNS, only: [...ONLY] },
  measuredAt: {}, raw: {}, rows: [],
};
if (!opts['skip-build']) build(result.raw);
for (const [name, path] of Object.entries(BIN)) {
  if (!existsSync(path) && !['seed', 'searchBench'].includes(name)) throw new Error(`${path} is missing: build first (drop --skip-build)`);
}
const ctx = { bootMs: S.bootEpochMs(), skipBuild: opts['skip-build'] };
const wants = (key) => ONLY.size === 0 || ONLY.has(key);
if (wants('launch') || wants('search')) {
  ctx.large = seedHistory(result.raw);
  ctx.largeWhy = !seedAvailable() ? 'seed generator missing (bench/seed)' : 'citewise-seed was not built';
}
ctx.mock = await E2E.startMock();
try {
  for (const p of PRODUCERS) {
    if (!wants(p.key)) continue;
    log(`— ${p.key}`);
    try {
      const { raw, rows } = await p.run(ctx);
      result.raw[p.key] = raw;
      result.rows.push(...rows.map((r) => ({ ...r, producer: p.key })));
    } catch (err) {
      log(`${p.key} failed:`, err);
      result.raw[p.key] = { error: String(err.stack ?? err) };
      result.rows.push({ ...notMeasured(p.key, '', `the ${p.key} benchmark failed: ${err.message}`), producer: p.key });
    }
    result.measuredAt[p.key] = stamp(result.machine);
  }
} finally {
  ctx.mock.stop();
}
mkdirSync(join(ROOT, 'bench/results'), { recursive: true });
const latestFile = join(ROOT, 'bench/results/latest.json');
const merged = ONLY.size && existsSync(latestFile) ? merge(JSON.parse(readFileSync(latestFile, 'utf8')), result) : result;
writeFileSync(latestFile, `${JSON.stringify(merged, null, 2)}\n`);
writeFileSync(join(ROOT, 'BENCHMARKS.md'), markdown(merged));
console.log(markdown(merged).split('\n').filter((l) => l.startsWith('|')).join('\n'));
