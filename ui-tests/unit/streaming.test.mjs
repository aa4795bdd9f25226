// The streaming renderer (ui/answer/streaming.js): settled chunks rendered once, only the tail redone,
// code fences and formulas never cut at a blank line, per-frame work that stays flat, and a long
// open paragraph shown as frozen pieces plus its tail, exactly as rendering it whole would.

import './dom.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { renderBlocks } from '../../ui/answer/markdown.js';
import { indexSources, linkCitations } from '../../ui/answer/source-cards.js';
import { StreamingMarkdown } from '../../ui/answer/streaming.js';

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

// The append fast path: a long open paragraph is rendered as frozen pieces plus a re-rendered tail.

const WORDS = 'alpha bravo charlie delta echo foxtrot golf hotel india juliett kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray'.split(' ');
const word = (i) => WORDS[(i * 7 + Math.floor(i / 24)) % 24];
const words = (from, n) => Array.from({ length: n }, (_, k) => word(from + k)).join(' ');
/**
 * One paragraph of `n` words: a sentence end every `stop` words (none if 0), a citation every 40;
 * `special(i)` may put something else in place of word i.
 */
function paragraph(n, special = () => null, stop = 13) {
  const out = [];
  for (let i = 0; i < n; i += 1) {
    let w = special(i) ?? word(i);
    if (stop && i % stop === stop - 1) w += '.';
    if (i % 40 === 39) w += `[${(Math.floor(i / 40) % 5) + 1}]`;
    out.push(w);
  }
  return out.join(' ');
}
const SOURCES = indexSources([1, 2, 3, 4, 5].map((index) => ({ index, url: `https://s${index}.example/` })));
const cite = (nodes) => linkCitations(nodes, SOURCES);

/**
 * Append `text` a word at a time (each word with the space before it), flushing every `perFrame`
 * words; `onFrame` sees the container and the text so far after each frame.
 */
function streamWords(text, { perFrame = 7, decorate, onFrame } = {}) {
  const container = document.createElement('div');
  const md = new StreamingMarkdown(container, { decorate });
  const deltas = text.split(/(?= )/);
  for (let i = 0; i < deltas.length; i += perFrame) {
    for (const delta of deltas.slice(i, i + perFrame)) md.append(delta);
    md.flush();
    onFrame?.(container, deltas.slice(0, i + perFrame).join(''));
  }
  return { container, md };
}
/** What is on screen, groups unwrapped and the caret left out. */
const shown = (container) => {
  const copy = /** @type {HTMLElement} */ (container.cloneNode(true));
  copy.querySelector('.caret')?.remove();
  for (const group of copy.querySelectorAll('.md-group')) group.replaceWith(...group.childNodes);
  return copy.innerHTML;
};
/** `text` rendered whole, as one chunk would be. */
const whole = (text, { decorate, open = false } = {}) => {
  const div = document.createElement('div');
  const frag = renderBlocks(text, { open });
  decorate?.([...frag.childNodes]);
  div.append(frag);
  return div.innerHTML;
};

test('a long paragraph streamed a word at a time ends exactly as rendering it whole, on one live <p>', () => {
  const text = paragraph(2500, (i) => (i % 97 === 5 ? `**${word(i)} bold**` : i % 131 === 7 ? `\`code ${word(i)}\`` : null));
  const paragraphs = new Set();
  const { container, md } = streamWords(text, {
    decorate: cite,
    onFrame: (c, sofar) => {
      if (sofar.length > 4000) paragraphs.add(c.querySelector('p'));
    },
  });
  // While the paragraph streams, it is one element that grows: not a new one every frame.
  assert.equal(paragraphs.size, 1);
  const live = [...paragraphs][0];
  md.finish();
  assert.equal(shown(container), whole(text, { decorate: cite }));
  // Settling renders it whole once more, exactly.
  assert.notEqual(container.querySelector('p'), live);
  assert.equal(container.querySelector('.caret'), null);
  assert.equal(container.querySelectorAll('[data-testid="citation"]').length, 62);
});

test('the text on screen while a long paragraph streams is always a prefix of the answer', () => {
  const text = paragraph(1500);
  const normal = (s) => s.replace(/\s+/g, ' ').trim();
  let frames = 0;
  const { md } = streamWords(text, {
    perFrame: 3,
    onFrame: (c, sofar) => {
      frames += 1;
      // No sources: `[1]` stays text, so what shows is exactly the words sent so far.
      assert.equal(normal(c.textContent), normal(sofar));
    },
  });
  md.finish();
  assert.ok(frames > 400);
});

test('per-frame render work on a long paragraph is bounded, not proportional to its length', () => {
  /** Characters rendered in each frame: every render goes through decorate. */
  const measure = (text) => {
    const perFrame = [];
    let rendered = 0;
    const count = (nodes) => {
      for (const node of nodes) rendered += node.textContent.length;
    };
    const { md } = streamWords(text, {
      perFrame: 17,
      decorate: count,
      onFrame: () => {
        perFrame.push(rendered);
        rendered = 0;
      },
    });
    md.finish();
    return { max: Math.max(...perFrame), total: perFrame.reduce((a, b) => a + b, 0) };
  };
  // 6,000 words (~40 KB) with code, links and formulas whose text shows delimiters (they are
  // complete, so they do not hold a piece back): a few pieces' worth per frame, however long it
  // has grown.
  const complete = ['`a*b_c`', '[the_docs](https://x.example/a_b*c)', '$\\frac{x}{2}$'];
  const plain = paragraph(6000, (i) => (i % 30 === 10 ? complete[(i / 30) % 3 | 0] : null));
  const { max, total } = measure(plain);
  assert.ok(max < 4500, `worst frame rendered ${max} characters`);
  assert.ok(total < plain.length * 30, `all frames rendered ${total} characters for ${plain.length}`);
  // A `$` in every sentence (prices: never closed) keeps pieces from freezing early, until the
  // hard limit: bounded all the same.
  const prices = paragraph(6000, (i) => (i % 13 === 3 ? `$${i}` : null));
  const priced = measure(prices);
  assert.ok(priced.max < 20000, `worst frame rendered ${priced.max} characters for ${prices.length}`);
});

test('emphasis, code, links, math and citations across would-be split points: every frame shows what rendering it whole would', () => {
  const constructs = [
    (i) => `**${words(i, 30)}**`,
    (i) => `\`${words(i, 12)}\``,
    (i) => `[${words(i, 20)}](https://x.example/${i})`,
    (i) => `[${words(i, 2)}](https://x.example/${i} "a title with ${words(i, 3)}")`,
    (i) => `*${words(i, 25)}*`,
    (i) => `~~${words(i, 15)}~~`,
    (i) => `$a_{${i}} + b + c$`,
    (i) => `\\(x + y + ${i}\\)`,
    (i) => `\\[x] + y + ${i}\\]`,
    (i) => `[1, 2]`,
    (i) => `_${words(i, 18)}_`,
  ];
  /**
   * Stream `text`, checking every `every`th frame (0: none) and the last one before finish()
   * against rendering the text so far whole: a piece frozen wrongly stays wrong until then.
   */
  const check = (text, every, perFrame = 5) => {
    let frames = 0;
    const { container, md } = streamWords(text, {
      perFrame,
      decorate: cite,
      onFrame: (c, sofar) => {
        frames += 1;
        if (every && frames % every === 0) assert.equal(shown(c), whole(sofar, { decorate: cite, open: true }), `after ${sofar.length} characters`);
      },
    });
    assert.equal(shown(container), whole(text, { decorate: cite, open: true }));
    md.finish();
    assert.equal(shown(container), whole(text, { decorate: cite }));
    return container;
  };
  // Long constructs in about half of the text and no sentence ends (which pieces prefer to end
  // at), so many of the split points tried fall inside one.
  const mixed = check(paragraph(500, (i) => (i % 9 === 4 ? constructs[Math.floor(i / 9) % constructs.length](i) : null), 0), 4);
  for (const selector of ['strong', 'em', 'code', 'a.md-link', 's', '.math', '[data-testid="citation"]']) {
    assert.ok(mixed.querySelectorAll(selector).length >= 5, selector);
  }
  // Nothing but one kind of construct: every split point there is falls inside one.
  for (const construct of constructs) check(Array.from({ length: 2000 / construct(0).length }, (_, i) => construct(i)).join(' '), 0, 20);
});

test('a setext underline, a list, a table or a rule after a long paragraph: rendered whole again, correctly', () => {
  const long = paragraph(600);
  const endings = [
    '\n===\nThen more words after the heading.',
    '\n- one item\n- two items\nand a lazy line',
    '\nName | Value\n---|---\nalpha | 1',
    // A header row longer than a piece: the tail must still see it whole to tell it is one.
    `\n${words(0, 120)} | ${words(5, 150)} | ${words(9, 60)}\n---|---|---\na | b | c`,
    '\n-\n5 degrees below zero, said the forecast',
    '\n-5 degrees: an underline that was not one, then more words',
  ];
  for (const ending of endings) {
    const text = long + ending;
    const { container, md } = streamWords(text, {
      perFrame: 2,
      onFrame: (c, sofar) => {
        if (sofar.length > long.length - 40) assert.equal(shown(c), whole(sofar, { open: true }), JSON.stringify(ending));
      },
    });
    md.finish();
    assert.equal(shown(container), whole(text), JSON.stringify(ending));
  }
});

test('refresh() mid-paragraph re-renders it whole with the new sources, then streams on exactly', () => {
  const sources = new Map();
  const decorate = (nodes) => linkCitations(nodes, sources);
  const text = paragraph(1500);
  const container = document.createElement('div');
  const md = new StreamingMarkdown(container, { decorate });
  const deltas = text.split(/(?= )/);
  const half = 9 * Math.floor(deltas.length / 18);
  for (let i = 0; i < half; i += 9) {
    md.append(deltas.slice(i, i + 9).join(''));
    md.flush();
  }
  assert.equal(container.querySelectorAll('[data-testid="citation"]').length, 0);
  for (const [k, v] of SOURCES) sources.set(k, v);
  md.refresh();
  md.flush();
  const sofar = deltas.slice(0, half).join('');
  assert.equal(shown(container), whole(sofar, { decorate, open: true }));
  assert.equal(container.querySelectorAll('[data-testid="citation"]').length, 18);
  for (let i = half; i < deltas.length; i += 9) {
    md.append(deltas.slice(i, i + 9).join(''));
    md.flush();
  }
  md.finish();
  assert.equal(shown(container), whole(text, { decorate }));
});

test('finish() mid-paragraph renders the open paragraph whole once, without the caret', () => {
  const text = paragraph(800);
  const { container, md } = streamWords(text.slice(0, -3), { perFrame: 11 });
  const live = container.querySelector('p');
  assert.ok(live.querySelector('.caret'));
  md.append(text.slice(-3));
  md.finish();
  assert.notEqual(container.querySelector('p'), live);
  assert.equal(container.querySelector('.caret'), null);
  assert.equal(shown(container), whole(text));
  md.append(' more');
  md.flush();
  assert.equal(shown(container), whole(text));
});
