// Processes and folders of the end-to-end tests: free ports, a child started once it says it is
// ready, the members of a process group and ending a whole group, removing a test's folder.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';

/** A free TCP port on 127.0.0.1. */
export function freePort() {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.on('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => ok(port));
    });
  });
}

/** Spawns `cmd` and resolves once a line of its stdout/stderr matches `ready`. */
export function startReady(cmd, args, env, ready, timeoutMs = 30_000) {
  const child = spawn(cmd, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let seen = '';
  return new Promise((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`${cmd} did not start in time:\n${seen}`)), timeoutMs);
    const onData = (chunk) => {
      seen += chunk;
      if (process.env.E2E_VERBOSE) process.stderr.write(chunk);
      const m = seen.match(ready);
      if (m) {
        clearTimeout(timer);
        ok({ child, match: m });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`${cmd} exited with ${code} before it was ready:\n${seen}`));
    });
  });
}

/**
 * The live processes of process group `pgid` (zombies count as gone: they hold no files). Read
 * from /proc, so it sees the app's WebKit processes too, which outlive their parent for a moment.
 * @param {number} pgid
 * @returns {number[]}
 */
export function groupMembers(pgid) {
  const members = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let stat;
    try {
      stat = readFileSync(`/proc/${name}/stat`, 'utf8');
    } catch {
      continue; // ended while we looked
    }
    // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses.
    const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(pgrp) === pgid && state !== 'Z' && state !== 'X') members.push(Number(name));
  }
  return members;
}

/**
 * Ends a detached child's whole process group — the driver, the app and every WebKit process —
 * and returns only once none of them is left, so nothing still writes into a data folder that
 * is about to be removed: SIGTERM, then SIGKILL for stragglers after 2 s.
 */
export async function endGroup(child) {
  const pgid = child.pid;
  const signal = (sig) => {
    try {
      process.kill(-pgid, sig);
    } catch {
      // the group is gone
    }
  };
  const goneWithin = async (ms) => {
    for (const end = Date.now() + ms; Date.now() < end;) {
      if (groupMembers(pgid).length === 0) return true;
      await new Promise((r) => setTimeout(r, 50));
    }
    return groupMembers(pgid).length === 0;
  };
  if (groupMembers(pgid).length === 0) return;
  signal('SIGTERM');
  if (await goneWithin(2_000)) return;
  signal('SIGKILL');
  if (!(await goneWithin(10_000))) throw new Error(`process group ${pgid} is still alive: ${groupMembers(pgid).join(', ')}`);
}

/**
 * Removes a test's folder. The app's processes are gone by now (endGroup waits for them), but a
 * file system can still be settling a removal: ENOTEMPTY and EBUSY are retried.
 * @param {string} dir
 */
export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
}
