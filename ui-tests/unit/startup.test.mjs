// What the window loads before its first paint: everything app/main.js imports statically, fetched at
// once through index.html's modulepreload links, and nothing of the renderer (markdown-it,
// DOMPurify, KaTeX, highlight.js and the turns that use them), which chat/conversation-view.js loads with the first
// conversation or question. BENCHMARKS.md's start-up and idle-memory rows depend on both.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { test } from 'node:test';

const UI = resolve(import.meta.dirname, '../../ui');
const STATIC_IMPORT = /^\s*(?:import|export)\s[^'"]*?\sfrom\s+['"](\.{1,2}\/[^'"]+)['"]|^\s*import\s+['"](\.{1,2}\/[^'"]+)['"]/gm;

/** The modules `entry` imports statically, directly or not (paths relative to ui/). */
function staticClosure(entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file)) return;
    seen.add(file);
    for (const m of readFileSync(file, 'utf8').matchAll(STATIC_IMPORT)) visit(resolve(dirname(file), m[1] ?? m[2]));
  };
  visit(join(UI, entry));
  seen.delete(join(UI, entry));
  return [...seen].map((f) => relative(UI, f)).sort();
}

const html = readFileSync(join(UI, 'index.html'), 'utf8');
const preloaded = [...html.matchAll(/<link rel="modulepreload" href="([^"]+)"/g)].map((m) => m[1]).sort();

test('index.html preloads exactly the modules app/main.js imports statically', () => {
  const closure = staticClosure('app/main.js');
  assert.ok(closure.length > 10, `the import scan found only ${closure.length} modules`);
  assert.deepEqual(preloaded, closure);
});

test('the renderer is not part of the start-up modules', () => {
  const closure = staticClosure('app/main.js');
  for (const module of ['answer/markdown.js', 'answer/streaming.js', 'answer/answer-turn.js', 'chat/branch.js', 'answer/code.js', 'answer/math.js']) {
    assert.ok(!closure.includes(module), `${module} is loaded at start-up`);
  }
  assert.deepEqual(closure.filter((m) => m.startsWith('vendor/')), []);
});

test('the renderer loads through chat/conversation-view.js on demand, and reaches the vendored libraries', () => {
  assert.match(readFileSync(join(UI, 'chat/conversation-view.js'), 'utf8'), /import\('\.\/branch\.js'\)/);
  const lazy = staticClosure('chat/branch.js');
  for (const module of ['answer/markdown.js', 'answer/answer-turn.js', 'vendor/markdown-it/markdown-it.mjs', 'vendor/katex/katex.mjs']) {
    assert.ok(lazy.includes(module), `chat/branch.js does not bring ${module}`);
  }
});
