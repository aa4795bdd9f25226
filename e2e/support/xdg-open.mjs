// A fake `xdg-open` for the app's PATH in the end-to-end tests.
import { chmodSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeDir } from './processes.mjs';

/**
 * A fake `xdg-open` for the app's PATH: a script in a folder of its own that writes down every
 * URL it is given instead of opening it, so a test sees exactly what reaches the system browser.
 * `env` goes to `launchApp` (or `session().start`); `opened()` lists the URLs so far, in order;
 * `remove()` removes the folder.
 */
export function fakeXdgOpen() {
  const binDir = mkdtempSync(join(tmpdir(), 'citewise-e2e-bin-'));
  const log = join(binDir, 'opened.txt');
  const script = join(binDir, 'xdg-open');
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${log}'\n`);
  chmodSync(script, 0o755);
  return {
    binDir,
    env: { PATH: `${binDir}:${process.env.PATH}` },
    /** @returns {string[]} */
    opened: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
    remove: () => removeDir(binDir),
  };
}
