// Tauri runs the window with freezePrototype: Object.prototype is frozen before any script. The
// renderer and its libraries must work that way. (node --test runs each file in its own process,
// so freezing here affects only this file.)

import './dom.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';

Object.freeze(Object.prototype);
const { renderBlocks } = await import('../../ui/answer/markdown.js');
const { StreamingMarkdown } = await import('../../ui/answer/streaming.js');
const { indexSources, linkCitations } = await import('../../ui/answer/source-cards.js');

test('markdown, tables, task lists, highlighted code, math and citations with Object.prototype frozen', () => {
  assert.ok(Object.isFrozen(Object.prototype));
  const text = [
    '| a | b |\n|---|--:|\n| 1 | 2 |\n\n',
    '- [ ] to do\n- [x] done\n\n',
    '```ts\nconst a: number = 1;\n```\n\n',
    '```css\na { color: red }\n```\n\n',
    'Inline $\\frac{1}{2}$ and \\(\\sqrt{x}\\), $\\constructor$ $\\toString$ $\\hasOwnProperty$ and a cite[1].\n\n',
    '$$\n\\begin{aligned} a &= b \\\\ c &= d \\end{aligned}\n$$\n\n',
    '[link](https://ok.example/) <script>x</script> $\\frac{1$',
  ].join('');
  const container = document.createElement('div');
  const md = new StreamingMarkdown(container, { decorate: (nodes) => linkCitations(nodes, indexSources([{ index: 1, url: 'https://a.example/' }])) });
  md.append(text);
  md.finish();
  assert.equal(container.querySelectorAll('table').length, 1);
  assert.equal(container.querySelectorAll('input[type="checkbox"]').length, 2);
  assert.ok(container.querySelector('code.language-ts .hljs-keyword'));
  assert.ok(container.querySelector('code.language-css [class^="hljs-"]'));
  assert.equal(container.querySelectorAll('math').length, 6);
  assert.equal(container.querySelectorAll('.katex-error').length, 1);
  assert.equal(container.querySelectorAll('[data-testid="citation"]').length, 1);
  assert.equal(container.querySelector('a.md-link').getAttribute('href'), 'https://ok.example/');
  assert.equal(container.querySelector('script'), null);
  assert.ok(renderBlocks('**x**').firstChild);
});
