// Self-test of the answer renderer in WebKitGTK (run by selftest.js first): markdown through
// markdown-it + DOMPurify, code blocks with their header and highlighting, math drawn as MathML,
// prices that stay text, citation linking around code and math, and the renderer inside a frame
// with the app's own CSP (read from tauri.conf.json) and a frozen Object.prototype, as Tauri runs
// it. The node tests (ui-tests/unit/) go wider; these are the checks that need the real engine.

import { renderBlocks } from '../../ui/answer/markdown.js';
import { indexSources, linkCitations } from '../../ui/answer/source-cards.js';

/** Rendered HTML without the newlines markdown-it leaves between tags. */
export function html(text) {
  const div = document.createElement('div');
  div.append(renderBlocks(text));
  return div.innerHTML.replace(/>\n+</g, '><').replace(/\n+</g, '<');
}

function rendered(text) {
  const div = document.createElement('div');
  div.className = 'prose';
  div.append(renderBlocks(text));
  return div;
}

const INERT = '<span class="link-inert" title="Not opened: only web (http/https) links open">';
const link = (url, text = url) => `<a href="${url}" class="md-link" title="${url}" rel="noopener noreferrer">${text}</a>`;

/** @param {(name: string, ok: boolean, detail?: unknown) => void} check */
export function markdownUnits(check) {
  const cases = [
    ['Hello **bold**, *em* and `code`', '<p>Hello <strong>bold</strong>, <em>em</em> and <code>code</code></p>'],
    ['# T\n## U\n### V', '<h2>T</h2><h3>U</h3><h4>V</h4>'],
    ['- a\n- b', '<ul><li>a</li><li>b</li></ul>'],
    ['3. a\n4. b', '<ol start="3"><li>a</li><li>b</li></ol>'],
    ['- a\n  - b\n- c', '<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>'],
    ['Intro:\n- item', '<p>Intro:</p><ul><li>item</li></ul>'],
    ['[t](https://a.b/c_(d))', `<p>${link('https://a.b/c_(d)', 't')}</p>`],
    ['[t](javascript:alert(1))', `<p>${INERT}t</span></p>`],
    ['[t](data:text/html,x)', `<p>${INERT}t</span></p>`],
    ['<script>x</script><img src=x onerror=y>', '<p>&lt;script&gt;x&lt;/script&gt;&lt;img src=x onerror=y&gt;</p>'],
    ['snake_case_word and 2 * 3 * 4', '<p>snake_case_word and 2 * 3 * 4</p>'],
    ['***x*** and ~~gone~~', '<p><em><strong>x</strong></em> and <s>gone</s></p>'],
    ['a\nb', '<p>a<br>b</p>'],
    ['\\*not em\\*', '<p>*not em*</p>'],
    ['> quoted', '<blockquote><p>quoted</p></blockquote>'],
    ['| a | b |\n|---|--:|\n| 1 | 2 |', '<div class="table-wrap"><table><thead><tr><th>a</th><th class="align-right">b</th></tr></thead><tbody><tr><td>1</td><td class="align-right">2</td></tr></tbody></table></div>'],
    ['see https://ex.org/a.', `<p>see ${link('https://ex.org/a')}.</p>`],
    ['**unclosed bold', '<p>**unclosed bold</p>'],
    ['Prices: $5 and $10, $5-$10, $3,000–$5,000.', '<p>Prices: $5 and $10, $5-$10, $3,000–$5,000.</p>'],
  ];
  for (const [input, expected] of cases) {
    const got = html(input);
    check(`markdown: ${JSON.stringify(input)}`, got === expected, { got, expected });
  }

  const code = rendered('```js\nif (a < b) {}\n\nx\n```');
  const block = code.querySelector('.code-block');
  check('markdown: code block with language label and Copy button', block?.querySelector('.code-head .code-lang')?.textContent === 'JavaScript' && block.querySelector('button.code-copy')?.textContent === 'Copy', block?.outerHTML.slice(0, 300));
  check('markdown: code highlighted, text exactly the source', block?.querySelector('pre code.language-js .hljs-keyword')?.textContent === 'if' && block.querySelector('pre code').textContent === 'if (a < b) {}\n\nx\n', block?.querySelector('pre')?.innerHTML);
  check('markdown: unlabelled code is plain, labelled "Code"', (() => {
    const plain = rendered('```\nlet x = 1;\n```');
    return plain.querySelector('.code-lang')?.textContent === 'Code' && !plain.querySelector('[class^="hljs-"]');
  })());

  const tasks = rendered('- [ ] to do\n- [x] done\n- plain');
  const boxes = [...tasks.querySelectorAll('li input[type="checkbox"]')];
  check('markdown: task list with disabled checkboxes', boxes.length === 2 && boxes.every((b) => b.disabled) && !boxes[0].checked && boxes[1].checked && tasks.querySelector('li').textContent === 'to do', tasks.innerHTML);

  const pictures = rendered('![Everest](https://img.example/e.png) and ![x](javascript:alert(1))');
  check('markdown: images are links, never <img>', !pictures.querySelector('img') && pictures.querySelector('a.md-image')?.getAttribute('href') === 'https://img.example/e.png' && pictures.querySelector('.link-inert')?.textContent === 'Image: x', pictures.innerHTML);
}

/** Math must be drawn by WebKitGTK's MathML, not left as source. */
export function mathUnits(check) {
  const host = rendered('Inline $x^2 + 1$ and \\(\\alpha\\), displayed:\n\n$$\n\\int_0^1 x\\,dx = \\frac{1}{2}\n$$\n\n\\[\n\\sum_{k=1}^n k\n\\]\n\nBroken $\\frac{1$ here.');
  document.body.append(host);
  const maths = [...host.querySelectorAll('math')];
  const inline = maths.filter((m) => m.getAttribute('display') !== 'block');
  const blocks = maths.filter((m) => m.getAttribute('display') === 'block');
  check('math: two inline and two displayed formulas as MathML', inline.length === 2 && blocks.length === 2 && maths.every((m) => m.namespaceURI === 'http://www.w3.org/1998/Math/MathML'), maths.length);
  const sizes = maths.map((m) => m.getBoundingClientRect());
  check('math: WebKit draws every formula (non-zero boxes)', sizes.every((r) => r.width > 4 && r.height > 4), sizes.map((r) => `${r.width}x${r.height}`));
  check('math: no TeX source visible for good formulas', !host.querySelector('.math:not(:has(.katex-error))')?.textContent.includes('\\frac') && !/\\int|\\sum/.test(host.innerText), host.innerText);
  const error = host.querySelector('.katex-error');
  check('math: a broken formula shows its source as an error, the text around it stays', error?.textContent === '\\frac{1' && getComputedStyle(error).color !== getComputedStyle(host).color && host.textContent.includes('here.'), error?.outerHTML);
  check('math: no style attributes in the rendered answer', !host.querySelector('[style]'), host.querySelector('[style]')?.outerHTML);
  host.remove();
}

/** @param {(name: string, ok: boolean, detail?: unknown) => void} check */
export function citationUnits(check) {
  const sources = indexSources([
    { index: 1, url: 'https://a.example/1?x=1&y=2' },
    { index: 2, url: 'https://b.example/' },
    { index: 3, url: 'javascript:alert(1)' },
  ]);
  const div = document.createElement('div');
  div.append(renderBlocks('A[1][2] B[1, 2] C[1-2] D[9] E[1, 9] F[3] `[1]` [1](https://x.y/) $x[1]$ \\(a_{[2]}\\)\n\n```\n[1]\n```'));
  linkCitations([...div.childNodes], sources);
  const cites = [...div.querySelectorAll('[data-testid="citation"]')];
  check('citations: count', cites.length === 8, cites.length);
  check('citations: exact href', cites[0].getAttribute('href') === 'https://a.example/1?x=1&y=2', cites[0].getAttribute('href'));
  check('citations: data-index and text', cites.map((c) => c.dataset.index).join('') === '12121213', cites.map((c) => c.dataset.index));
  check('citations: missing source stays text', div.textContent.includes('D[9]') && div.textContent.includes('[9]'), div.textContent);
  const bad = cites.find((c) => c.dataset.index === '3');
  check('citations: javascript: source has no href', bad && !bad.hasAttribute('href') && bad.tagName !== 'A', bad?.outerHTML);
  check('citations: not inside code, math or links', div.querySelector('p code').textContent === '[1]' && div.querySelector('pre code').textContent === '[1]\n' && !div.querySelector('.math [data-testid="citation"], a [data-testid="citation"]'));
}

/**
 * The renderer in a frame with tauri.conf.json's CSP and Object.prototype frozen first (Tauri's
 * freezePrototype): no violation, libraries work, and a deliberate inline style is reported, so
 * the probe can tell.
 */
export async function cspUnits(check) {
  const conf = await (await fetch('../../tauri.conf.json')).json();
  const policy = Object.entries(conf.app.security.csp).map(([k, v]) => `${k} ${v}`).join('; ');
  const frame = document.createElement('iframe');
  frame.srcdoc = `<!doctype html><html><head><meta http-equiv="Content-Security-Policy" content="${policy.replace(/"/g, '&quot;')}">
    <link rel="stylesheet" href="${new URL('../../ui/styles.css', location.href)}">
    <script src="${new URL('selftest-csp-freeze.js', location.href)}"></script>
    <script type="module" src="${new URL('selftest-csp-probe.js', location.href)}"></script>
    </head><body class="prose"></body></html>`;
  document.body.append(frame);
  const end = Date.now() + 20000;
  while (!frame.contentWindow?.__probe && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  const probe = frame.contentWindow?.__probe;
  check('csp: renderer ran under the app CSP with Object.prototype frozen', probe?.frozen === true && !probe.error && probe.maths >= 2 && probe.highlighted > 0 && probe.tables === 1 && probe.boxes === 2, probe);
  check('csp: no violation from the answer (a deliberate inline style is caught, so the probe can tell)', probe?.answerViolations?.length === 0 && probe.controlViolations > 0, probe);
  check('csp: nothing executed, no style attribute, no <img> in the rendered answer', probe?.pwned === false && probe.styles === 0 && probe.imgs === 0, probe);
  frame.remove();
}
