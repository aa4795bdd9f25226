// ui/vendor/ is committed (the app has no build step): it must be exactly what
// scripts/vendor.mjs makes from the pinned packages in node_modules.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { vendorDrift, vendorFiles } from '../../scripts/vendor.mjs';

const read = (path) => JSON.parse(readFileSync(new URL(path, import.meta.url), 'utf8'));

test('ui/vendor is byte-identical to what scripts/vendor.mjs produces from node_modules', () => {
  assert.deepEqual(vendorDrift(), [], 'run `node scripts/vendor.mjs` after changing a library version');
});

test('the vendored libraries are pinned to exact versions, and those are installed', () => {
  const pkg = read('../../package.json');
  for (const shipped of ['markdown-it', 'dompurify', 'katex', 'highlight.js']) {
    assert.ok(pkg.dependencies[shipped], `${shipped} is a dependency (npm audit --omit=dev checks it)`);
  }
  for (const name of ['markdown-it', 'dompurify', 'katex', 'highlight.js', 'jsdom']) {
    const wanted = pkg.dependencies[name] ?? pkg.devDependencies[name];
    assert.match(wanted, /^\d+\.\d+\.\d+$/, `${name} is pinned exactly`);
    assert.equal(read(`../../node_modules/${name}/package.json`).version, wanted, `${name} in node_modules`);
  }
});

test('every vendored library carries its licence', () => {
  const files = vendorFiles();
  for (const dir of ['markdown-it', 'dompurify', 'katex', 'highlight.js']) assert.ok(files.has(`${dir}/LICENSE`), dir);
  for (const bundled of ['entities', 'linkify-it', 'mdurl', 'punycode.js', 'uc.micro']) assert.ok(files.has(`markdown-it/LICENSE.${bundled}`), bundled);
});

test('vendored modules import nothing the browser cannot resolve', () => {
  for (const [path, bytes] of vendorFiles()) {
    if (!/\.m?js$/.test(path)) continue;
    const bare = /^\s*(?:import|export)\b[^'"]*from\s*['"](?![./])[^'"]+['"]/m.exec(bytes.toString());
    assert.equal(bare, null, `${path}: ${bare?.[0]}`);
  }
});
