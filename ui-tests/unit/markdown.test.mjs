// The answer renderer (ui/answer/markdown.js, ui/answer/code.js): GFM through markdown-it, what the DOM
// post-processing adds, and the Copy button of code blocks.

import { invoked } from './dom.mjs';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { bindExternalLinks } from '../../ui/lib/links.js';
import { renderBlocks } from '../../ui/answer/markdown.js';

/** Render into a detached <div>. */
function render(text, options) {
  const div = document.createElement('div');
  div.append(renderBlocks(text, options));
  return div;
}
const html = (text) => render(text).innerHTML;
const link = (url, text) => `<a href="${url}" class="md-link" title="${url}" rel="noopener noreferrer">${text}</a>`;

test('inline formatting, headings from h2, line breaks', () => {
  assert.equal(html('Hello **bold**, *em*, `code` and ~~gone~~'), '<p>Hello <strong>bold</strong>, <em>em</em>, <code>code</code> and <s>gone</s></p>');
  assert.equal(html('# T\n## U\n### V\n#### W'), '<h2>T</h2><h3>U</h3><h4>V</h4><h4>W</h4>');
  assert.equal(html('a\nb'), '<p>a<br>b</p>');
  assert.equal(html('snake_case_word and 2 * 3 * 4'), '<p>snake_case_word and 2 * 3 * 4</p>');
  assert.equal(html('\\*not em\\*'), '<p>*not em*</p>');
  assert.equal(html('> quoted\n>\n> more'), '<blockquote><p>quoted</p><p>more</p></blockquote>');
});

test('lists keep their numbering and nesting', () => {
  assert.equal(html('3. a\n4. b'), '<ol start="3"><li>a</li><li>b</li></ol>');
  assert.equal(html('- a\n  - b\n- c'), '<ul><li>a<ul><li>b</li></ul></li><li>c</li></ul>');
  assert.equal(html('Intro:\n- item'), '<p>Intro:</p><ul><li>item</li></ul>');
});

test('GFM table: alignment as classes (no style attributes), wrapped to scroll sideways', () => {
  const div = render('| a | b | c |\n|:--|:-:|--:|\n| 1 | **2** | 3 |');
  assert.equal(
    div.innerHTML,
    '<div class="table-wrap"><table><thead><tr><th>a</th><th class="align-center">b</th><th class="align-right">c</th></tr></thead>' +
      '<tbody><tr><td>1</td><td class="align-center"><strong>2</strong></td><td class="align-right">3</td></tr></tbody></table></div>',
  );
  assert.equal(div.querySelector('[style]'), null);
});

test('task lists: disabled checkboxes, the marker removed from the text', () => {
  const div = render('- [ ] to do\n- [x] done\n- [X] also done\n- plain [ ] item');
  const list = div.querySelector('ul');
  assert.ok(list.classList.contains('task-list'));
  const boxes = [...div.querySelectorAll('input')];
  assert.equal(boxes.length, 3);
  assert.deepEqual(boxes.map((b) => [b.type, b.disabled, b.checked]), [['checkbox', true, false], ['checkbox', true, true], ['checkbox', true, true]]);
  assert.deepEqual([...div.querySelectorAll('li')].map((li) => li.textContent), ['to do', 'done', 'also done', 'plain [ ] item']);
  // Not a task list: the brackets are not at the start of a list item.
  assert.equal(render('[ ] not a task').querySelector('input'), null);
});

test('code block: language label, Copy button, highlighted, text exactly the source', () => {
  const div = render('```py\ndef f(a < b):\n    return "x"  # note\n```');
  const block = div.querySelector('.code-block');
  assert.ok(block);
  assert.equal(block.querySelector('.code-head .code-lang').textContent, 'Python');
  const button = block.querySelector('button.code-copy');
  assert.equal(button.textContent, 'Copy');
  assert.equal(button.type, 'button');
  assert.equal(button.getAttribute('aria-label'), 'Copy Python code');
  const code = block.querySelector('pre > code');
  assert.ok(code.classList.contains('language-py') && code.classList.contains('hljs'));
  assert.equal(code.querySelector('.hljs-keyword').textContent, 'def');
  assert.equal(code.querySelector('.hljs-comment').textContent, '# note');
  assert.equal(code.textContent, 'def f(a < b):\n    return "x"  # note\n');
});

test('code block labels: the grammar\'s name, or the fence\'s word for a family of languages', () => {
  const labels = ['js', 'ts', 'sh', 'html', 'xml', 'toml', 'rs', 'yml'].map((lang) => render(`\`\`\`${lang}\nx\n\`\`\``).querySelector('.code-lang').textContent);
  assert.deepEqual(labels, ['JavaScript', 'TypeScript', 'Bash', 'HTML', 'XML', 'TOML', 'Rust', 'YAML']);
});

test('code block: no language or an unknown one is plain, no auto-detection', () => {
  const plain = render('```\nfn main() { let x = 1; }\n```');
  assert.equal(plain.querySelector('.code-lang').textContent, 'Code');
  assert.equal(plain.querySelector('button').getAttribute('aria-label'), 'Copy code');
  assert.equal(plain.querySelector('[class^="hljs-"]'), null);
  const unknown = render('```brainfuck\n+++.\n```');
  assert.equal(unknown.querySelector('.code-lang').textContent, 'brainfuck');
  assert.equal(unknown.querySelector('[class^="hljs-"]'), null);
  const indented = render('    four spaces of code');
  assert.equal(indented.querySelector('.code-block pre code').textContent, 'four spaces of code\n');
});

test('Copy copies the raw code and announces "Copied"', async () => {
  let copied = null;
  Object.defineProperty(window.navigator, 'clipboard', { configurable: true, value: { writeText: async (text) => { copied = text; } } });
  const div = render('```js\nconst a = "<b>" && 1;\n```');
  document.body.append(div);
  const button = div.querySelector('button.code-copy');
  button.click();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.equal(copied, 'const a = "<b>" && 1;\n');
  assert.equal(button.querySelector('span').textContent, 'Copied');
  assert.equal(div.querySelector('[role="status"]').textContent, 'Copied');
  div.remove();
  delete window.navigator.clipboard;
});

test('a code fence still open while streaming renders as code', () => {
  const div = render('Intro\n\n```rust\nfn main() {\n    println!("hi");', { open: true });
  assert.equal(div.querySelector('p').textContent, 'Intro');
  assert.equal(div.querySelector('.code-lang').textContent, 'Rust');
  assert.equal(div.querySelector('pre code').textContent, 'fn main() {\n    println!("hi");');
});

test('links: http(s) kept with what links.js expects; everything else is inert text', () => {
  assert.equal(html('[t](https://a.b/c_(d))'), `<p>${link('https://a.b/c_(d)', 't')}</p>`);
  assert.equal(html('see https://ex.org/a.'), `<p>see ${link('https://ex.org/a', 'https://ex.org/a')}.</p>`);
  for (const url of ['mailto:a@b.c', 'ftp://x.example/f', 'file:///etc/passwd', '/relative', '#top']) {
    const div = render(`[t](${url})`);
    assert.equal(div.querySelector('a'), null, url);
    assert.equal(div.querySelector('.link-inert').textContent, 't', url);
  }
  // Bare e-mail addresses and domains stay text.
  assert.equal(render('mail me@example.com or example.com').querySelector('a, .link-inert'), null);
});

test('images are never <img>: a link to the picture, or its alt text inside another link', () => {
  const div = render('![Everest](https://img.example/e.png) [![inner](https://img.example/i.png)](https://page.example/)');
  assert.equal(div.querySelector('img'), null);
  const [picture, page] = div.querySelectorAll('a');
  assert.equal(picture.getAttribute('href'), 'https://img.example/e.png');
  assert.ok(picture.classList.contains('md-image'));
  assert.equal(picture.textContent, 'Image: Everest');
  assert.equal(page.getAttribute('href'), 'https://page.example/');
  assert.equal(page.textContent, 'Image: inner');
});

test('reference definitions are not special: [1] stays a marker for citation linking', () => {
  const div = render('See [1].\n\n[1]: https://example.com/');
  assert.equal(div.querySelector('p').textContent, 'See [1].');
  assert.equal(div.querySelectorAll('p')[1].textContent, '[1]: https://example.com/');
});

test('clicking a rendered link opens it through the backend; inert text and images never navigate', async () => {
  const root = document.createElement('div');
  document.body.append(root);
  bindExternalLinks(root);
  root.append(renderBlocks('[page](https://ok.example/a?b=1&c=2) [bad](javascript:alert(1)) ![pic](https://img.example/p.png)'));
  const before = invoked.length;
  const page = window.location.href;
  for (const target of root.querySelectorAll('a, .link-inert')) target.click();
  await new Promise((resolve) => setTimeout(resolve, 10));
  assert.deepEqual(invoked.slice(before).map((c) => [c.command, c.args.url]), [
    ['open_url', 'https://ok.example/a?b=1&c=2'],
    ['open_url', 'https://img.example/p.png'],
  ]);
  assert.equal(window.location.href, page);
  root.remove();
});
