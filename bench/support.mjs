// Plumbing for bench/run.mjs: launching any Tauri binary through tauri-driver (the floor has no
// composer, so e2e/support.mjs's launchApp does not fit), the process tree under it, PSS, start
// times, and machine facts. Linux only: everything here reads /proc.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { Builder } from 'selenium-webdriver';
import { endGroup, startDriver, waitUntil } from '../e2e/support.mjs';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Clock ticks per second for /proc/<pid>/stat times (USER_HZ, 100 on every Linux we know). */
const TICKS = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;

/**
 * Wall-clock milliseconds at boot, from CLOCK_BOOTTIME (the clock /proc/<pid>/stat start times
 * count on). /proc/stat's btime is whole seconds, too coarse for start-up times.
 */
export function bootEpochMs() {
  const out = execFileSync('python3', ['-c',
    'import time\nb=[(time.time()-time.clock_gettime(time.CLOCK_BOOTTIME)) for _ in range(5)]\nprint(sorted(b)[2]*1000)'],
  { encoding: 'utf8' });
  return Number(out.trim());
}

/** Fields of /proc/<pid>/stat after the command name (which may hold spaces and parentheses). */
function statFields(pid) {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

/** pid → parent pid for every process there is now. */
function parents() {
  const map = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      map.set(Number(name), Number(statFields(name)[1]));
    } catch {
      // gone meanwhile
    }
  }
  return map;
}

/** `pid` and all its descendants. */
export function tree(pid) {
  const ppid = parents();
  const out = [pid];
  for (let i = 0; i < out.length; i += 1) {
    for (const [child, parent] of ppid) if (parent === out[i]) out.push(child);
  }
  return out;
}

export function exeOf(pid) {
  try {
    return readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return null;
  }
}

export function commOf(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '?';
  }
}

/** When `pid` started, in wall-clock ms (10 ms resolution: the kernel counts in clock ticks). */
export function startEpochMs(pid, bootMs) {
  return bootMs + (Number(statFields(pid)[19]) * 1000) / TICKS;
}

/**
 * One process's memory from smaps_rollup, in kB (zeros once it is gone): PSS (the metric), and
 * for understanding it: its anonymous and file-backed parts, RSS, and USS (private pages only,
 * which other programs mapping the same libraries cannot shift).
 */
export function memKb(pid) {
  let text = '';
  try {
    text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
  } catch {
    // gone
  }
  const f = (name) => Number(text.match(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm'))?.[1] ?? 0);
  return {
    pssKb: f('Pss'), pssAnonKb: f('Pss_Anon'), pssFileKb: f('Pss_File'), rssKb: f('Rss'),
    ussKb: f('Private_Clean') + f('Private_Dirty'),
  };
}

/** PSS summed over `pid` and its descendants, with the share of each process. */
export function treePss(pid) {
  const procs = tree(pid).map((p) => ({ pid: p, name: commOf(p), ...memKb(p) }));
  const sum = (k) => procs.reduce((s, p) => s + p[k], 0);
  return { totalKb: sum('pssKb'), anonKb: sum('pssAnonKb'), fileKb: sum('pssFileKb'), ussKb: sum('ussKb'), procs };
}

/**
 * Waits until the tree's PSS holds still: two readings `gapMs` apart within `tolerance` of each
 * other. Returns the last reading (and how long it took to settle).
 */
export async function settledPss(pid, { gapMs = 1000, tolerance = 0.02, timeoutMs = 30_000 } = {}) {
  const started = Date.now();
  let before = treePss(pid);
  for (;;) {
    await sleep(gapMs);
    const now = treePss(pid);
    const drift = Math.abs(now.totalKb - before.totalKb) / Math.max(1, before.totalKb);
    if (drift <= tolerance || Date.now() - started > timeoutMs) {
      return { ...now, settled: drift <= tolerance, settleMs: Date.now() - started, driftLast: drift };
    }
    before = now;
  }
}

/**
 * Starts tauri-driver (e2e/support.mjs's startDriver: its own process group) and opens a WebDriver
 * session on `application`, which inherits `env`. Returns the driver, the app's pid (the
 * process running `application` under the driver) and `close`.
 */
export async function launch(application, env = {}) {
  const { child, port } = await startDriver({ ...process.env, ...env }, { verbose: Boolean(process.env.BENCH_VERBOSE) });
  let driver;
  try {
    driver = await new Builder()
      .usingServer(`http://127.0.0.1:${port}/`)
      .withCapabilities({ browserName: 'wry', 'tauri:options': { application } })
      .build();
  } catch (err) {
    await endGroup(child);
    throw err;
  }
  const pid = await waitUntil(() => tree(child.pid).find((p) => p !== child.pid && exeOf(p) === application), 10_000,
    `the process of ${application}`);
  return {
    driver,
    pid,
    async close() {
      await driver.quit().catch(() => {});
      await endGroup(child);
    },
  };
}

/** Waits for a performance mark in the page; returns its absolute time and the page's timings. */
export async function markTime(driver, name, timeoutMs = 60_000) {
  return waitUntil(() => driver.executeScript(`
    const mark = performance.getEntriesByName(arguments[0], 'mark')[0];
    if (!mark) return null;
    const nav = performance.getEntriesByType('navigation')[0];
    return {
      timeOrigin: performance.timeOrigin,
      markMs: mark.startTime,
      at: performance.timeOrigin + mark.startTime,
      // Where the page's own time goes: the document, parsed, module scripts run, listeners run.
      responseEndMs: nav ? nav.responseEnd : null,
      domInteractiveMs: nav ? nav.domInteractive : null,
      domContentLoadedStartMs: nav ? nav.domContentLoadedEventStart : null,
      domContentLoadedMs: nav ? nav.domContentLoadedEventEnd : null,
      loadMs: nav ? nav.loadEventEnd : null,
      marks: performance.getEntriesByType('mark').map((m) => [m.name, Math.round(m.startTime * 10) / 10]),
    };`, name), timeoutMs, `the mark ${name}`);
}

const tryRun = (cmd, args) => {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return null;
  }
};

/** What the numbers were measured on. */
export function machine(root) {
  const mem = readFileSync('/proc/meminfo', 'utf8').match(/^MemTotal:\s+(\d+) kB/m);
  return {
    cpu: cpus()[0]?.model ?? null,
    cores: cpus().length,
    ramMB: mem ? Math.round(Number(mem[1]) / 1024) : Math.round(totalmem() / 2 ** 20),
    kernel: tryRun('uname', ['-sr']),
    os: (readFileSync('/etc/os-release', 'utf8').match(/^PRETTY_NAME="?([^"\n]*)/m) ?? [])[1] ?? null,
    webkitgtk: tryRun('dpkg-query', ['-W', '-f=${Version}', 'libwebkit2gtk-4.1-0']),
    node: process.version,
    rustc: tryRun('rustc', ['--version']),
    date: new Date().toISOString(),
    commit: tryRun('git', ['-C', root, 'rev-parse', 'HEAD']),
    dirty: Boolean(tryRun('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'])),
  };
}

export const median = (xs) => {
  const s = xs.filter((x) => typeof x === 'number' && Number.isFinite(x)).sort((a, b) => a - b);
  if (!s.length) return null;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
