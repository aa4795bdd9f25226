// Citation linking (ui/answer/source-cards.js linkCitations) on the renderer's DOM: every marker form, unknown
// indexes, and never inside code, math or links.

import './dom.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderBlocks } from '../../ui/answer/markdown.js';
import { indexSources, linkCitations } from '../../ui/answer/source-cards.js';

const SOURCES = indexSources([
  { index: 1, url: 'https://a.example/1?x=1&y=2', title: 'One' },
  { index: 2, url: 'https://b.example/', title: 'Two' },
  { index: 3, url: 'https://c.example/', title: 'Three' },
  { index: 4, url: 'https://d.example/', title: 'Four' },
]);

function cite(text, sources = SOURCES) {
  const div = document.createElement('div');
  div.append(renderBlocks(text));
  linkCitations([...div.childNodes], sources);
  return div;
}
const pills = (div) => [...div.querySelectorAll('[data-testid="citation"]')];
const indexes = (div) => pills(div).map((p) => Number(p.dataset.index));

test('[1] becomes a pill linking to source 1', () => {
  const div = cite('Everest is 8,849 m[1].');
  const [pill] = pills(div);
  assert.equal(pill.tagName, 'A');
  assert.equal(pill.getAttribute('href'), 'https://a.example/1?x=1&y=2');
  assert.equal(pill.textContent, '1');
  assert.equal(pill.getAttribute('aria-label'), 'Source 1: One');
  assert.equal(div.textContent, 'Everest is 8,849 m1.');
});

test('every marker form: [1][2], [1, 3], [1,3], [1-3], [2–4], mixed', () => {
  assert.deepEqual(indexes(cite('a[1][2]')), [1, 2]);
  assert.deepEqual(indexes(cite('a[1, 3]')), [1, 3]);
  assert.deepEqual(indexes(cite('a[1,3]')), [1, 3]);
  assert.deepEqual(indexes(cite('a[1-3]')), [1, 2, 3]);
  assert.deepEqual(indexes(cite('a[2–4]')), [2, 3, 4]);
  assert.deepEqual(indexes(cite('a[1][3, 4] b[2-3]')), [1, 3, 4, 2, 3]);
  assert.equal(cite('a[1][2]').textContent, 'a12');
});

test('markers in lists, tables, headings, quotes and emphasis', () => {
  const div = cite('## Title[1]\n\n- item[2]\n\n> quote[3]\n\n| a |\n|---|\n| cell[4] |\n\n**bold[1]** and *em*[2]');
  assert.deepEqual(indexes(div), [1, 2, 3, 4, 1, 2]);
});

test('an index with no source stays plain text', () => {
  const div = cite('none[9] partly[1, 9] range[3-5]');
  assert.equal(div.textContent, 'none[9] partly1[9] range34[5]');
  assert.deepEqual(indexes(div), [1, 3, 4]);
  assert.equal(cite('nothing[1]', new Map()).textContent, 'nothing[1]');
});

test('not a citation: markdown links, silly ranges, non-numbers', () => {
  const div = cite('[1](https://x.example/) [1-99] [a] [1.5] [01x]');
  assert.deepEqual(indexes(div), []);
  assert.equal(div.querySelector('a').getAttribute('href'), 'https://x.example/');
});

test('never inside code, code blocks, math or links', () => {
  const div = cite('`[1]` $x_{[2]}$ \\(y[3]\\) $\\frac{[1]$ [see [2]](https://x.example/)\n\n```\n[1] in code\n```\n\n$$\nz[4]\n$$');
  assert.deepEqual(indexes(div), []);
  assert.equal(div.querySelector('p code').textContent, '[1]');
  assert.equal(div.querySelector('pre code').textContent, '[1] in code\n');
  assert.equal(div.querySelector('.katex-error').textContent, '\\frac{[1]');
});

test('a source without a web URL is an inert pill with no href', () => {
  const sources = indexSources([{ index: 1, url: 'javascript:alert(1)', title: 'Evil' }]);
  const [pill] = pills(cite('x[1]', sources));
  assert.notEqual(pill.tagName, 'A');
  assert.equal(pill.hasAttribute('href'), false);
  assert.ok(pill.classList.contains('is-inert'));
});
