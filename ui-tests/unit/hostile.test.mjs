// Hostile answers and sources. Each payload is checked twice: through the real renderer, where
// nothing dangerous may come out, and through a renderer with the safety removed (markdown-it with
// raw HTML and every link allowed, put into the DOM as is; KaTeX trusted), where the same check
// must find the danger. So no test here passes merely because its check cannot see the attack.

import './dom.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import markdownit from '../../ui/vendor/markdown-it/markdown-it.mjs';
import katex from '../../ui/vendor/katex/katex.mjs';
import { renderBlocks } from '../../ui/answer/markdown.js';
import { bindSourcePopover, indexSources, linkCitations } from '../../ui/answer/source-cards.js';
import { StreamingMarkdown } from '../../ui/answer/streaming.js';

const ALLOWED_TAGS = new Set([
  'div', 'p', 'br', 'hr', 'h2', 'h3', 'h4', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'ul', 'ol',
  'li', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'button', 'input',
  'math', 'semantics', 'annotation', 'mrow', 'mi', 'mn', 'mo', 'ms', 'mtext', 'mspace', 'msup', 'msub',
  'msubsup', 'mfrac', 'msqrt', 'mroot', 'mover', 'munder', 'munderover', 'mtable', 'mtr', 'mtd',
  'mstyle', 'mpadded', 'mphantom', 'menclose', 'merror',
]);
const DANGEROUS_ATTRS = /^(on|style$|src$|srcdoc$|srcset$|action$|formaction$|xlink:href$|background$|poster$|data$|id$|name$)/i;

function isWebUrl(url) {
  try {
    return ['http:', 'https:'].includes(new URL(url).protocol);
  } catch {
    return false;
  }
}

/**
 * Everything dangerous in a rendered answer: unexpected elements (script, img, iframe, svg…),
 * event handlers and other loading or styling attributes, links that are not http(s).
 * @returns {string[]} empty when safe
 */
function dangers(root) {
  const found = [];
  for (const el of root.querySelectorAll('*')) {
    const tag = el.localName;
    const isIcon = (tag === 'svg' && el.classList.contains('icon')) || (tag === 'path' && el.parentElement?.classList.contains('icon'));
    const isTaskBox = tag === 'input' && el.type === 'checkbox' && el.disabled;
    if (!ALLOWED_TAGS.has(tag) && !isIcon) found.push(`<${tag}>`);
    if (tag === 'input' && !isTaskBox) found.push('an enabled input');
    for (const { name, value } of el.attributes) {
      if (DANGEROUS_ATTRS.test(name)) found.push(`${tag}[${name}]`);
      if (name === 'href' && (tag !== 'a' || !isWebUrl(value))) found.push(`${tag}[href=${value}]`);
    }
  }
  return found;
}

const unsafeMarkdown = markdownit({ html: true, linkify: true });
unsafeMarkdown.validateLink = () => true;
/** The same markdown with the safety removed: raw HTML on, any link, straight into the DOM. */
function renderUnsafely(text) {
  const template = document.createElement('template');
  template.innerHTML = unsafeMarkdown.render(text);
  const div = document.createElement('div');
  div.append(template.content);
  return div;
}
function render(text) {
  const div = document.createElement('div');
  div.append(renderBlocks(text));
  return div;
}

/** Safe through the renderer; caught by the check without it. */
function assertNeutralised(payload, unsafe = renderUnsafely(payload)) {
  assert.deepEqual(dangers(render(payload)), [], payload);
  assert.notDeepEqual(dangers(unsafe), [], `the check must see the danger in ${payload}`);
}

test('raw HTML in the text is shown as text, never parsed', () => {
  const payloads = [
    '<script>window.__pwned = true</script>',
    'Look <img src=x onerror="window.__pwned=true"> here',
    '<svg onload="window.__pwned=true"><circle r="5"/></svg>',
    '<iframe src="https://evil.example/"></iframe>',
    '<a href="javascript:alert(1)">click</a>',
    '<div style="position:fixed;inset:0">overlay</div>',
    '<form action="https://evil.example"><input name="key"></form>',
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<details open ontoggle=alert(1)>',
    '<object data="javascript:alert(1)"></object><embed src="x.swf">',
    '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=https://evil.example">',
    '<link rel="stylesheet" href="https://evil.example/x.css"><style>*{display:none}</style>',
  ];
  for (const payload of payloads) {
    assertNeutralised(payload);
    const visible = render(payload).textContent;
    assert.ok(visible.includes(payload.match(/<[a-z]+/)[0]), `the markup stays visible as text: ${payload}`);
  }
});

test('markdown links and images to javascript:, data:, vbscript: and friends are inert text', () => {
  const targets = [
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'javascript&#58;alert(1)',
    '&#106;avascript:alert(1)',
    '&#x6A;&#x61;&#x76;&#x61;script:alert(1)',
    'jav&#x09;ascript:alert(1)',
    '%6Aavascript:alert(1)',
    'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    'DATA:text/html,<script>alert(1)</script>',
    'vbscript:msgbox(1)',
    'VbScRiPt:msgbox(1)',
    'file:///etc/passwd',
    '  javascript:alert(1)  ',
    '<javascript:alert(1)>',
  ];
  for (const target of targets) {
    for (const payload of [`[click](${target})`, `![pic](${target})`, `[![pic](${target})](${target})`]) {
      const out = render(payload);
      assert.deepEqual(dangers(out), [], payload);
      assert.equal(out.querySelector('a'), null, payload);
    }
  }
  // The check itself sees these links when nothing filters them.
  for (const target of ['javascript:alert(1)', 'JaVaScRiPt:alert(1)', '&#106;avascript:alert(1)', 'data:text/html,x', 'vbscript:msgbox(1)']) {
    assert.notDeepEqual(dangers(renderUnsafely(`[click](${target})`)), [], target);
  }
});

test('autolinks and bare URLs: only http(s) become links', () => {
  for (const payload of ['<javascript:alert(1)>', '<JAVASCRIPT:alert(1)>', '<data:text/html,x>', '<vbscript:msgbox(1)>', 'javascript:alert(1)', 'see javascript://%0Aalert(1)']) {
    assertNeutralised(payload, payload.startsWith('<') ? undefined : renderUnsafely(`<${payload.replace(/^see /, '')}>`));
  }
  assert.equal(render('<https://ok.example/a>').querySelector('a').getAttribute('href'), 'https://ok.example/a');
});

test('quotes in link titles and fence languages cannot open an attribute', () => {
  const payloads = [
    ['[x](https://ok.example/ "a\\" onmouseover=\\"alert(1)")', 'a" onmouseover="alert(1)'],
    ['```js" onmouseover="alert(1)\ncode\n```', 'js" onmouseover="alert(1)'],
    ['```"><img src=x onerror=alert(1)>\ncode\n```', '"><img src=x onerror=alert(1)>'],
  ];
  for (const [payload, injected] of payloads) {
    assert.deepEqual(dangers(render(payload)), [], payload);
    // Built by string concatenation without escaping, the same value would open an attribute.
    const naive = document.createElement('div');
    const template = document.createElement('template');
    template.innerHTML = `<code class="language-${injected}">code</code>`;
    naive.append(template.content);
    assert.notDeepEqual(dangers(naive), [], injected);
  }
  const label = render('```"><img src=x onerror=alert(1)>\ncode\n```').querySelector('.code-lang');
  assert.equal(label.textContent, '"><img');
});

test('math: KaTeX with trust off gives no links, styles or pictures', () => {
  const payloads = [
    '$\\href{javascript:alert(1)}{x}$',
    '$\\href{https://ok.example/}{x}$',
    '$\\url{javascript:alert(1)}$',
    '$\\includegraphics{https://evil.example/x.png}$',
    '$$\\fcolorbox{red}{blue}{x}$$',
  ];
  for (const payload of payloads) {
    const tex = payload.replace(/^\$+|\$+$/g, '');
    const trusted = document.createElement('div');
    const template = document.createElement('template');
    template.innerHTML = katex.renderToString(tex, { output: 'mathml', trust: true, throwOnError: false });
    trusted.append(template.content);
    assertNeutralised(payload, trusted);
  }
  // The HTML extensions would set classes, ids, styles and data-* (KaTeX's HTML output only).
  const div = render('$\\htmlClass{cite}{x}$ $\\htmlId{source-popover}{x}$ $\\htmlStyle{color:red}{x}$ $\\htmlData{onclick=alert(1)}{x}$');
  assert.equal(div.querySelector('.cite, #source-popover, [style], [data-onclick]'), null);
  assert.equal(div.querySelectorAll('.math').length, 4);
});

test('broken and unclosed markdown renders without throwing and keeps the text', () => {
  const payloads = [
    '**unclosed bold', '*a **b', '[link(', '[text](https://x.example', '![', '```js\nnever closed',
    '| a | b |\n|--', '$$\n\\frac{1', '\\(x', '\\[y', '$x', '<', '>', '& &amp; &#0; &#xFFFFFF;', '\u0000\uFFFD\u202E',
    '- - - - -', '1. \n2.', '> > > >', '~~~\n~~', '[', ']', '[]()', '`', '``x`',
  ];
  for (const payload of payloads) {
    const out = render(payload);
    assert.deepEqual(dangers(out), [], payload);
  }
  assert.equal(render('**unclosed bold').textContent, '**unclosed bold');
  assert.equal(render('```js\nnever closed').querySelector('pre code').textContent, 'never closed');
});

test('deeply nested lists and quotes: rendered, depth bounded', () => {
  const depth = (root) => {
    let max = 0;
    const walk = (node, d) => {
      max = Math.max(max, d);
      for (const child of node.children) walk(child, d + 1);
    };
    walk(root, 0);
    return max;
  };
  // markdown-it stops nesting at 100 levels (what is deeper is left out); the rest renders.
  const quotes = render(`${'> '.repeat(5000)}deep\n\nafter the quotes`);
  assert.ok(render(`${'> '.repeat(40)}deep`).textContent.includes('deep'));
  assert.equal(quotes.lastElementChild.textContent, 'after the quotes');
  assert.ok(depth(quotes) < 300, `quote depth ${depth(quotes)}`);
  // Too deep a list swallows the rest of its chunk; answers are rendered in chunks split at blank
  // lines (streaming.js), so what follows the list still shows.
  const lists = document.createElement('div');
  const stream = new StreamingMarkdown(lists);
  stream.append(`${Array.from({ length: 2000 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n')}\n\nafter the lists`);
  stream.finish();
  assert.ok(lists.textContent.includes('level 20'));
  assert.equal(lists.querySelector('.md-group').lastElementChild.textContent, 'after the lists');
  assert.ok(depth(lists) < 300, `list depth ${depth(lists)}`);
  const mixed = render(`${'> - '.repeat(1000)}x\n\nafter`);
  assert.equal(mixed.lastElementChild.textContent, 'after');
  assert.ok(depth(mixed) < 300, `mixed depth ${depth(mixed)}`);
});

test('a 1 MB answer renders, with a sane number of nodes', () => {
  const paragraph = (k) =>
    `Paragraph ${k} with **bold**, \`code\`, a [link](https://ex.example/${k}), $x_${k % 10}$, a price of $${k} and a cite[${(k % 3) + 1}].\n\n`;
  let text = '';
  for (let k = 0; text.length < 1_000_000; k += 1) {
    text += k % 50 === 49 ? '```js\nconst big = [1, 2, 3];\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n' : paragraph(k);
  }
  const blocks = text.split('\n\n').length - 1;
  const container = document.createElement('div');
  const sources = indexSources([1, 2, 3].map((index) => ({ index, url: `https://s${index}.example/` })));
  const stream = new StreamingMarkdown(container, { decorate: (nodes) => linkCitations(nodes, sources) });
  stream.append(text);
  stream.finish();
  const elements = container.querySelectorAll('*').length;
  const paragraphs = text.match(/^Paragraph /gm).length;
  assert.equal(container.querySelectorAll('p').length, paragraphs, 'every paragraph rendered');
  assert.equal(container.querySelectorAll('.code-block').length, blocks - paragraphs - container.querySelectorAll('table').length);
  // About a dozen elements per paragraph (formula, pill, link…), not more, however long it gets.
  assert.ok(elements < blocks * 20, `${elements} elements for ${blocks} blocks`);
  assert.ok(elements > blocks * 5, `${elements} elements for ${blocks} blocks`);
  assert.equal(container.querySelectorAll('.md-group').length, Math.ceil(container.querySelectorAll('.md-group > *').length / 32));
  assert.deepEqual(dangers(container).filter((d) => d !== '<div>'), []);
});

test('sources: hostile URLs never become an href on citation pills', () => {
  const urls = [
    'javascript:alert(1)', 'JaVaScRiPt:alert(1)', ' javascript:alert(1)', 'java\nscript:alert(1)', 'java\tscript:alert(1)',
    '&#106;avascript:alert(1)', 'data:text/html,<script>alert(1)</script>', 'vbscript:msgbox(1)', 'file:///etc/passwd', '//evil.example/',
  ];
  const sources = indexSources(urls.map((url, i) => ({ index: i + 1, url, title: `t${i + 1}` })));
  const div = document.createElement('div');
  div.append(renderBlocks(urls.map((_, i) => `c[${i + 1}]`).join(' ')));
  linkCitations([...div.childNodes], sources);
  const pills = div.querySelectorAll('[data-testid="citation"]');
  assert.equal(pills.length, urls.length);
  for (const pill of pills) {
    assert.equal(pill.hasAttribute('href'), false, pill.dataset.index);
    assert.notEqual(pill.tagName, 'A');
  }
  // A web source in the same answer still links.
  const good = document.createElement('div');
  good.append(renderBlocks('ok[1]'));
  linkCitations([...good.childNodes], indexSources([{ index: 1, url: 'https://ok.example/' }]));
  assert.equal(good.querySelector('a[data-testid="citation"]').getAttribute('href'), 'https://ok.example/');
});

test('sources: HTML in titles, snippets and dates of hover cards is text', () => {
  const root = document.createElement('div');
  document.body.append(root);
  bindSourcePopover(root);
  const source = {
    index: 1,
    url: 'https://ok.example/',
    title: 'A <b>fine</b> title <img src=x onerror="window.__pwned=true">',
    snippet: '<script>window.__pwned=true</script><svg onload="window.__pwned=true">',
    date: '<i>2025</i>',
    domain: '<u>evil</u>.example',
  };
  root.append(renderBlocks('see[1]'));
  linkCitations([...root.childNodes], indexSources([source]));
  const pill = root.querySelector('[data-testid="citation"]');
  assert.equal(pill.getAttribute('aria-label'), `Source 1: ${source.title}`);
  pill.dispatchEvent(new window.FocusEvent('focusin', { bubbles: true }));
  const card = document.getElementById('source-popover');
  assert.equal(card.hidden, false);
  assert.equal(card.querySelector('b, i, u, img, script, svg'), null);
  assert.ok(card.textContent.includes(source.title));
  assert.ok(card.textContent.includes(source.snippet));
  assert.ok(card.textContent.includes('<u>evil</u>.example'));
  assert.equal(window.__pwned, undefined);
  root.remove();
  card.remove();
});
