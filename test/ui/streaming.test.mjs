// The streaming renderer (ui/streaming.js): settled chunks rendered once, only the tail redone,
// code fences and formulas never cut at a blank line, and per-frame work that stays flat.

import './dom.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderBlocks } from '../../ui/markdown.js';
import { indexSources, linkCitations } from '../../ui/sources.js';
import { StreamingMarkdown } from '../../ui/streaming.js';

/** Feed `text` in deltas of `size`, one frame each; `onFrame` sees the container after each. */
function stream(text, { size = 3, decorate, onFrame } = {}) {
  const container = document.createElement('div');
  const md = new StreamingMarkdown(container, { decorate });
  for (let i = 0; i < text.length; i += size) {
    md.append(text.slice(i, i + size));
    md.flush();
    onFrame?.(container, i + size);
  }
  return { container, md };
}
const ungrouped = (container) => {
  const copy = /** @type {HTMLElement} */ (container.cloneNode(true));
  for (const group of copy.querySelectorAll('.md-group')) group.replaceWith(...group.childNodes);
  return copy.innerHTML;
};

test('a settled block is rendered once and never replaced; the caret follows the text', () => {
  const text = 'First paragraph with **bold**.\n\n## Heading\n\n- one\n- two\n\nLast line';
  let first = null;
  const { container, md } = stream(text, {
    onFrame: (c, end) => {
      if (end >= text.indexOf('## Heading\n') + 11) first ??= c.querySelector('p');
    },
  });
  assert.ok(first);
  assert.equal(container.querySelector('p'), first);
  assert.ok(container.querySelector('.caret'));
  md.finish();
  assert.equal(container.querySelector('p'), first);
  assert.equal(container.querySelector('.caret'), null);
});

test('the streamed result equals rendering the whole text at once', () => {
  const text = [
    'Intro with $x^2$ and a price of $5.\n\n',
    '## Heading\n\n- one\n- two\n\n',
    '```py\nprint("a")\n\nprint("b")\n```\n\n',
    '$$\na = b\n\n+ c\n$$\n\n',
    '| a | b |\n|---|--:|\n| 1 | 2 |\n\n',
    '1. x\n2. y\n\nLast line without newline',
  ].join('');
  const { container, md } = stream(text);
  md.finish();
  const whole = document.createElement('div');
  whole.append(renderBlocks(text));
  assert.equal(ungrouped(container), whole.innerHTML);
});

test('a code fence still open renders as code, blank lines and all, then settles as one block', () => {
  const text = 'Look:\n\n```js\nconst a = 1;\n\n\nconst b = 2;\n```\n\nAfter.';
  const seen = [];
  const { container, md } = stream(text, {
    size: 1,
    onFrame: (c, end) => {
      if (end > text.indexOf('const b')) seen.push(c.querySelectorAll('pre').length === 1 && c.querySelectorAll('p').length <= 2);
    },
  });
  assert.ok(seen.length > 0 && seen.every(Boolean));
  md.finish();
  assert.equal(container.querySelector('pre code').textContent, 'const a = 1;\n\n\nconst b = 2;\n');
  assert.equal(container.querySelector('.code-lang').textContent, 'JavaScript');
});

test('a displayed formula is never cut at a blank line; while open it shows as pending source', () => {
  const text = 'Then:\n\n$$\n\\begin{aligned}\na &= 1 \\\\\n\nb &= 2\n\\end{aligned}\n$$\n\nDone.';
  let pendingSeen = false;
  const { container, md } = stream(text, {
    onFrame: (c) => {
      if (c.querySelector('.math-display.is-pending')) pendingSeen = true;
      assert.equal(c.querySelector('.katex-error'), null);
    },
  });
  md.finish();
  assert.ok(pendingSeen);
  assert.equal(container.querySelectorAll('.math-display').length, 1);
  assert.equal(container.querySelector('.is-pending'), null);
  assert.equal(container.querySelector('annotation').textContent, '\\begin{aligned}\na &= 1 \\\\\n\nb &= 2\n\\end{aligned}');
});

test('a list item\'s indented paragraph after a blank line stays in the item', () => {
  const { container, md } = stream('1. **First**\n\n   Details of the first.\n\n2. **Second**\n\n   More.\n\nEnd.');
  md.finish();
  const items = container.querySelectorAll('li');
  assert.equal(items.length, 2);
  assert.equal(items[0].querySelectorAll('p').length, 2);
  assert.equal(items[0].textContent, 'FirstDetails of the first.');
  assert.equal(container.querySelectorAll('ol')[1].getAttribute('start'), '2');
  assert.equal(container.querySelector('pre'), null);
});

test('citations split across deltas become pills; sources arriving later relink', () => {
  const sources = new Map();
  const container = document.createElement('div');
  const md = new StreamingMarkdown(container, { decorate: (nodes) => linkCitations(nodes, sources) });
  for (const delta of ['Height is 8,849 m[', '1', '][', '2]. Settled.\n\n', 'Tail[', '1]']) {
    md.append(delta);
    md.flush();
  }
  assert.equal(container.querySelectorAll('[data-testid="citation"]').length, 0);
  for (const [k, v] of indexSources([{ index: 1, url: 'https://a.example/' }, { index: 2, url: 'https://b.example/' }])) sources.set(k, v);
  md.refresh();
  md.flush();
  md.finish();
  const pills = [...container.querySelectorAll('[data-testid="citation"]')];
  assert.deepEqual(pills.map((p) => p.dataset.index), ['1', '2', '1']);
  assert.equal(container.textContent, 'Height is 8,849 m12. Settled.Tail1');
});

test('per-frame work stays flat over a long answer (nodes touched, counted, not timed)', () => {
  let text = '';
  for (let k = 0; text.length < 40000; k += 1) {
    text += k % 10 === 9
      ? '- a list item with `code` and a cite[2]\n- another item with $x^2$\n\n```js\nconst a = 1;\n```\n\n'
      : `Paragraph ${k} with **bold** text, a formula $a_${k % 9}$ and a citation[1] for a while.\n\n`;
  }
  const sources = indexSources([{ index: 1, url: 'https://a.example/' }, { index: 2, url: 'https://b.example/' }]);
  const container = document.createElement('div');
  const md = new StreamingMarkdown(container, { decorate: (nodes) => linkCitations(nodes, sources) });
  const observer = new MutationObserver(() => {});
  observer.observe(container, { childList: true, subtree: true, characterData: true });
  const touched = [];
  for (let i = 0; i < text.length; i += 24) {
    md.append(text.slice(i, i + 24));
    md.flush();
    touched.push(observer.takeRecords().reduce((n, r) => n + r.addedNodes.length + r.removedNodes.length, 0));
  }
  md.finish();
  observer.disconnect();
  const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const early = mean(touched.slice(0, 200));
  const late = mean(touched.slice(-200));
  assert.ok(early > 0, 'the count sees the work');
  assert.ok(late <= early * 2 + 4, `early ${early}, late ${late}`);
  assert.ok(Math.max(...touched) < 200, `worst ${Math.max(...touched)}`);
  assert.ok(container.querySelectorAll('.md-group').length > 10);
});
