// Math (ui/answer/math.js): the four delimiters, what stays money, broken and unfinished formulas.

import './dom.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderBlocks } from '../../ui/answer/markdown.js';

const MATHML = 'http://www.w3.org/1998/Math/MathML';

function render(text, options) {
  const div = document.createElement('div');
  div.append(renderBlocks(text, options));
  return div;
}
/** TeX source of each formula (KaTeX keeps it in <annotation>), inline or display. */
const formulas = (div) =>
  [...div.querySelectorAll('.math')].map((m) => {
    const source = m.querySelector('annotation')?.textContent ?? m.querySelector('.katex-error')?.textContent;
    return `${m.classList.contains('math-display') ? 'D' : 'I'}:${source}`;
  });

test('inline math: $…$ and \\(…\\), as MathML inside the paragraph', () => {
  const div = render('Energy $E = mc^2$ and \\(\\alpha + \\beta\\) here.');
  assert.deepEqual(formulas(div), ['I:E = mc^2', 'I:\\alpha + \\beta']);
  const maths = div.querySelectorAll('p > .math > .katex > math');
  assert.equal(maths.length, 2);
  assert.ok([...maths].every((m) => m.namespaceURI === MATHML && m.getAttribute('display') !== 'block'));
  assert.equal(div.querySelector('p').firstChild.data, 'Energy ');
  assert.ok(div.textContent.endsWith(' here.'));
});

test('displayed math: $$…$$ and \\[…\\] as blocks, on one line or several, blank lines inside', () => {
  const div = render('$$\n\\int_0^1 x\\,dx\n$$\n\n\\[\n\\frac{a}{b}\n\n+ c\n\\]\n\n$$x = 1$$\n\n\\[ y \\]');
  assert.deepEqual(formulas(div), ['D:\\int_0^1 x\\,dx', 'D:\\frac{a}{b}\n\n+ c', 'D:x = 1', 'D:y']);
  assert.equal(div.querySelectorAll(':scope > div.math-display math[display="block"]').length, 4);
});

test('displayed math interrupts a paragraph and works inside list items', () => {
  const div = render('The formula:\n$$\na^2 + b^2 = c^2\n$$\n\n- item\n  $$\n  x_1\n  $$');
  assert.equal(div.querySelector('p').textContent, 'The formula:');
  assert.deepEqual(formulas(div), ['D:a^2 + b^2 = c^2', 'D:x_1']);
  assert.ok(div.querySelector('li .math-display'));
});

test('$$…$$ and \\[…\\] inside a paragraph are displayed, but stay in the paragraph', () => {
  const div = render('So $$x^2$$ and \\[y\\] follow.');
  assert.deepEqual(formulas(div), ['D:x^2', 'D:y']);
  assert.equal(div.querySelectorAll('p').length, 1);
  assert.equal(div.querySelectorAll('p span.math-display').length, 2);
});

test('prices are not math', () => {
  for (const text of [
    'It costs $5 and $10.',
    'Between $5-$10 a month.',
    'From $3,000–$5,000, or $1.5M.',
    'Pay $5, $10, or $20.',
    '$5/$10 per seat',
    'Only $ 5 and 10 $ here.',
    'A lone $$ sign and $100.',
    'US$5 and US$10',
  ]) {
    const div = render(text);
    assert.equal(div.querySelector('.math'), null, text);
    assert.equal(div.textContent, text, text);
  }
});

test('a price and a formula in one sentence: only the formula is math', () => {
  const div = render('It costs $5.99, see $x^2$ for why, or $10.');
  assert.deepEqual(formulas(div), ['I:x^2']);
  assert.ok(div.textContent.startsWith('It costs $5.99, see '));
  assert.ok(div.textContent.endsWith(' for why, or $10.'));
});

test('escaped dollars and escaped citations stay text', () => {
  assert.equal(render('\\$x\\$ and \\$5').textContent, '$x$ and $5');
  const div = render('see \\[1\\] and \\[2, 3\\]');
  assert.equal(div.querySelector('.math'), null);
  assert.equal(div.textContent, 'see [1] and [2, 3]');
});

test('math is never parsed inside code', () => {
  const div = render('`$x$` and\n\n```\n$$\ny\n$$\n\\(z\\)\n```');
  assert.equal(div.querySelector('.math'), null);
  assert.equal(div.querySelector('p code').textContent, '$x$');
  assert.equal(div.querySelector('pre code').textContent, '$$\ny\n$$\n\\(z\\)\n');
});

test('a broken formula shows as its source, marked as an error, and the answer goes on', () => {
  const div = render('Before $\\frac{1$ middle \\(\\left( x\\) and $\\unknowncommand$ after.\n\nNext paragraph.');
  const errors = div.querySelectorAll('.katex-error');
  assert.deepEqual([...errors].map((e) => e.textContent), ['\\frac{1', '\\left( x']);
  assert.ok(div.querySelector('.math-error'), 'unknown commands are coloured by our class, not KaTeX\'s colour');
  assert.equal(div.querySelector('[mathcolor]'), null);
  assert.equal(div.querySelector('[style]'), null);
  assert.ok(div.textContent.includes(' after.'));
  assert.equal(div.querySelectorAll('p')[1].textContent, 'Next paragraph.');
});

test('KaTeX refuses what needs trust, and odd macro names do not reach Object.prototype', () => {
  const div = render('$\\href{https://e.example}{x}$ $\\url{https://e.example}$ $\\includegraphics{x.png}$ $\\htmlStyle{color:red}{x}$ $\\constructor$ $\\__proto__$ $\\toString$');
  assert.equal(div.querySelector('a, img, [href], [src], [style]'), null);
  assert.equal(div.querySelectorAll('.math').length, 7);
});

test('a displayed formula still streaming shows as pending source, not as text or an error', () => {
  const open = render('Intro\n\n$$\n\\frac{a}{b', { open: true });
  const pending = open.querySelector('.math-display.is-pending');
  assert.equal(pending?.textContent, '$$\n\\frac{a}{b');
  assert.equal(open.querySelector('.katex-error'), null);
  // Once the answer is complete, an unclosed $$ is just text.
  const done = render('Intro\n\n$$\n\\frac{a}{b');
  assert.equal(done.querySelector('.math'), null);
  assert.ok(done.textContent.includes('$$'));
});

test('bars become <menclose> lines and \\vec a plain arrow, which WebKitGTK can draw', () => {
  const div = render('$\\bar{x}$ $\\overline{AB}$ $\\underline{y}$ $\\vec{v}$ $\\hat{x}$');
  assert.deepEqual([...div.querySelectorAll('menclose')].map((m) => [m.getAttribute('notation'), m.textContent]), [['top', 'x'], ['top', 'AB'], ['bottom', 'y']]);
  assert.ok([...div.querySelectorAll('menclose')].every((m) => m.namespaceURI === MATHML));
  assert.deepEqual([...div.querySelectorAll('mover > mo')].map((m) => m.textContent), ['\u2192', '^']);
  assert.deepEqual(formulas(div), ['I:\\bar{x}', 'I:\\overline{AB}', 'I:\\underline{y}', 'I:\\vec{v}', 'I:\\hat{x}']);
});
