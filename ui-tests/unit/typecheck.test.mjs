// The window's JavaScript is type-checked against the IPC types generated from Rust
// (src-tauri/contract/ipc.d.ts; `make lint` runs tsc on the real tree). This proves the check
// bites: in a copy of the tree, a field renamed the way a Rust rename would rename it must fail
// tsc at the places the window still reads the old name.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONTRACT = 'src-tauri/contract/ipc.d.ts';

/** A copy of what tsc reads, with `edit` applied to the generated types; tsc's output and status. */
function typecheckWith(edit) {
  const dir = mkdtempSync(join(tmpdir(), 'citewise-tsc-'));
  try {
    cpSync(join(ROOT, 'ui'), join(dir, 'ui'), { recursive: true });
    cpSync(join(ROOT, 'tsconfig.json'), join(dir, 'tsconfig.json'));
    mkdirSync(join(dir, 'src-tauri/contract'), { recursive: true });
    writeFileSync(join(dir, CONTRACT), edit(readFileSync(join(ROOT, CONTRACT), 'utf8')));
    symlinkSync(join(ROOT, 'node_modules'), join(dir, 'node_modules'), 'dir');
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], {
      encoding: 'utf8',
    });
    return { status: tsc.status, output: `${tsc.stdout}${tsc.stderr}` };
  } finally {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}

test('renaming a field of a generated type fails the type-check where the window reads it', () => {
  const renamed = (types) => {
    const before = 'export type ConversationSummary = { id: string, title: string,';
    assert.ok(types.includes(before), 'the generated ConversationSummary still starts with id and title');
    return types.replace(before, 'export type ConversationSummary = { id: string, heading: string,');
  };
  const { status, output } = typecheckWith(renamed);
  assert.notEqual(status, 0, output);
  assert.match(output, /ui\/history\/[\w-]+\.js\(\d+,\d+\): error TS2339: Property 'title' does not exist on type/);
});
