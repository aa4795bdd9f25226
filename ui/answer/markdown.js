// Answer text (markdown written by a model: untrusted) to DOM nodes. streaming.js feeds it a
// growing answer chunk by chunk; source-cards.js turns `[n]` markers in the result into citations.
//
//   markdown-it (html: false: raw HTML in the text stays text; GFM tables and strikethrough,
//   linkify, task lists and math from math.js; no reference definitions, so `[1]: …` lines and
//   `[1]` markers stay text for citation linking)
//   → DOMPurify with a strict allow-list, returning a DocumentFragment (nothing here assigns
//     model-derived strings to innerHTML)
//   → DOM post-processing: only http(s) links survive (the document-wide guard in lib/links.js opens
//     them in the system browser), images become links (the webview never loads them), tables
//     scroll, task items get disabled checkboxes, code blocks get a header (code.js).
//
// Allowed markup is what markdown-it, highlight.js and KaTeX's MathML produce; no style
// attributes (the CSP blocks them anyway), no ids, no data-*, no event handlers, no forms.

import markdownit from '../vendor/markdown-it/markdown-it.mjs';
import DOMPurify from '../vendor/dompurify/purify.es.mjs';
import { decorateCodeBlocks, highlightCode } from './code.js';
import { isWebUrl } from '../lib/links.js';
import { fixAccents, mathPlugin } from './math.js';

const FENCE = /^\s*(`{3,}|~{3,})/;

const HTML_TAGS = [
  'p', 'br', 'hr', 'h2', 'h3', 'h4', 'strong', 'em', 's', 'code', 'pre', 'blockquote', 'ul', 'ol',
  'li', 'a', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'span', 'div',
];
/** The MathML elements KaTeX emits (semantics + annotation carry the TeX source, not drawn). */
const MATHML_TAGS = [
  'math', 'semantics', 'annotation', 'mrow', 'mi', 'mn', 'mo', 'ms', 'mtext', 'mspace', 'msup',
  'msub', 'msubsup', 'mfrac', 'msqrt', 'mroot', 'mover', 'munder', 'munderover', 'mtable', 'mtr',
  'mtd', 'mlabeledtr', 'mstyle', 'mpadded', 'mphantom', 'menclose', 'merror', 'mmultiscripts',
  'mprescripts', 'none',
];
const MATHML_ATTRS = [
  'xmlns', 'display', 'encoding', 'mathvariant', 'mathcolor', 'mathbackground', 'mathsize',
  'stretchy', 'fence', 'separator', 'lspace', 'rspace', 'minsize', 'maxsize', 'symmetric',
  'largeop', 'movablelimits', 'accent', 'accentunder', 'width', 'height', 'depth', 'voffset',
  'linethickness', 'scriptlevel', 'displaystyle', 'columnalign', 'columnspacing', 'columnlines',
  'rowspacing', 'rowlines', 'rowalign', 'frame', 'framespacing', 'notation', 'side', 'columnspan',
  'rowspan', 'align',
];
const PURIFY_CONFIG = {
  ALLOWED_TAGS: [...HTML_TAGS, ...MATHML_TAGS],
  ALLOWED_ATTR: ['href', 'title', 'class', 'start', ...MATHML_ATTRS],
  ALLOW_DATA_ATTR: false,
  ALLOW_ARIA_ATTR: false,
  FORBID_ATTR: ['style', 'id', 'name'],
  RETURN_DOM_FRAGMENT: true,
};
/** KaTeX colours what it cannot parse with this; our stylesheet colours it instead. */
const KATEX_ERROR_COLOR = '#cc0000';

const purify = DOMPurify(window);
// Parsed once: passing the config to every sanitize() call rebuilds its allow-lists each time.
purify.setConfig(PURIFY_CONFIG);
// An href survives only on <a> (MathML would take one too) and only when it is http(s): stricter
// than DOMPurify's own URI check, which also lets mailto:, tel: and relative URLs through.
purify.addHook('uponSanitizeAttribute', (node, data) => {
  if (data.attrName === 'href' && (node.nodeName !== 'A' || !isWebUrl(data.attrValue))) data.keepAttr = false;
});

const md = markdownit({ html: false, linkify: true, typographer: false, breaks: true, highlight: highlightCode });
md.disable('reference');
md.linkify.set({ fuzzyEmail: false });
// Every destination reaches the sanitizer and finishLinks(), which keep http(s) only and show the
// rest as inert text (rather than markdown-it's raw `[label](url)` source).
md.validateLink = () => true;
md.use(mathPlugin);
md.core.ruler.after('inline', 'citewise_blocks', adjustBlocks);
md.renderer.rules.image = renderImage;
// A single newline is a line break (models write lines, not hard-wrapped paragraphs).
md.renderer.rules.softbreak = () => '<br>';
md.renderer.rules.hardbreak = () => '<br>';
// No newlines between tags: between blocks they would only be more text nodes to build and walk.
const renderToken = md.renderer.renderToken.bind(md.renderer);
/** @type {import('markdown-it').Renderer['renderToken']} */
md.renderer.renderToken = (tokens, idx, options) => renderToken(tokens, idx, options).replace(/\n/g, '');
for (const rule of ['fence', 'code_block']) {
  const render = md.renderer.rules[rule];
  md.renderer.rules[rule] = (...args) => render(...args).replace(/\n$/, '');
}

/**
 * Headings start at h2 (the conversation title is the page's heading); table alignment becomes a
 * class instead of a style attribute; `- [ ]` / `- [x]` items become task items.
 * @param {any} state  markdown-it StateCore
 */
function adjustBlocks(state) {
  const tokens = state.tokens;
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i];
    if (token.type === 'heading_open' || token.type === 'heading_close') {
      token.tag = `h${Math.min(Number(token.tag.slice(1)), 3) + 1}`;
    } else if (token.type === 'th_open' || token.type === 'td_open') {
      const align = /text-align:(left|center|right)/.exec(token.attrGet('style') ?? '')?.[1];
      token.attrs = null;
      if (align && align !== 'left') token.attrSet('class', `align-${align}`);
    } else if (token.type === 'inline' && tokens[i - 1]?.type === 'paragraph_open' && tokens[i - 2]?.type === 'list_item_open') {
      markTaskItem(tokens, i);
    }
  }
}

const TASK = /^\[([ xX])\](?:\s|$)/;

/** @param {any[]} tokens @param {number} i  index of the item's first inline token */
function markTaskItem(tokens, i) {
  const inline = tokens[i];
  const first = inline.children?.[0];
  const m = TASK.exec(inline.content);
  if (!m || first?.type !== 'text' || !TASK.test(first.content)) return;
  first.content = first.content.slice(m[0].length);
  const item = tokens[i - 2];
  item.attrJoin('class', m[1] === ' ' ? 'task-item' : 'task-item is-done');
  for (let j = i - 3; j >= 0; j -= 1) {
    if (tokens[j].level === item.level - 1 && /_list_open$/.test(tokens[j].type)) {
      if (!(tokens[j].attrGet('class') ?? '').includes('task-list')) tokens[j].attrJoin('class', 'task-list');
      break;
    }
  }
}

/**
 * `![alt](src)` is never an <img> (the webview must not fetch what a model points at): it becomes
 * a link to the picture, or just its alt text inside another link.
 * @type {import('markdown-it').RendererRule}
 */
function renderImage(tokens, idx, options, env, self) {
  const token = tokens[idx];
  const alt = self.renderInlineAsText(token.children ?? [], options, env).trim();
  const text = md.utils.escapeHtml(alt ? `Image: ${alt}` : 'Image');
  let depth = 0;
  for (let j = 0; j < idx; j += 1) depth += tokens[j].type === 'link_open' ? 1 : tokens[j].type === 'link_close' ? -1 : 0;
  if (depth > 0) return `<span class="md-image">${text}</span>`;
  return `<a class="md-image" href="${md.utils.escapeHtml(String(token.attrGet('src') ?? ''))}">${text}</a>`;
}

/**
 * http(s) links get what lib/links.js and the stylesheet expect; any other link becomes text.
 * @param {DocumentFragment} root
 */
function finishLinks(root) {
  for (const a of root.querySelectorAll('a')) {
    const href = a.getAttribute('href');
    const image = a.classList.contains('md-image');
    if (!isWebUrl(href)) {
      const span = document.createElement('span');
      span.className = 'link-inert';
      span.title = 'Not opened: only web (http/https) links open';
      span.append(...a.childNodes);
      a.replaceWith(span);
      continue;
    }
    a.className = image ? 'md-link md-image' : 'md-link';
    a.title = href;
    a.rel = 'noopener noreferrer';
  }
}

/** @param {ParentNode} root */
function finishBlocks(root) {
  for (const table of root.querySelectorAll('table')) {
    const wrap = document.createElement('div');
    wrap.className = 'table-wrap';
    table.replaceWith(wrap);
    wrap.append(table);
  }
  for (const item of root.querySelectorAll('li.task-item')) {
    const box = document.createElement('input');
    box.type = 'checkbox';
    box.disabled = true;
    box.checked = item.classList.contains('is-done');
    box.className = 'task-box';
    box.setAttribute('aria-label', 'Task'); // the item's text follows; checked says whether it is done
    item.prepend(box);
  }
  for (const node of root.querySelectorAll(`[mathcolor="${KATEX_ERROR_COLOR}"]`)) {
    node.removeAttribute('mathcolor');
    node.classList.add('math-error');
  }
}

/**
 * The fence marker (``` or ~~~, any length) when `line` opens a fenced code block, else null.
 * @param {string} line
 */
export function fenceOpening(line) {
  const m = FENCE.exec(line);
  if (!m) return null;
  return m[1][0] === '`' && line.slice(line.indexOf(m[1]) + m[1].length).includes('`') ? null : m[1];
}

/**
 * @param {string} line
 * @param {string} marker  as returned by fenceOpening
 */
export function closesFence(line, marker) {
  const trimmed = line.trim();
  return trimmed.length >= marker.length && trimmed[0] === marker[0] && /^(`+|~+)$/.test(trimmed);
}

/**
 * Render markdown text (one or more blocks) to a fragment of safe DOM nodes.
 * @param {string | string[]} text  several texts are parsed separately (exactly as if rendered
 *   one by one) but sanitized and post-processed in one go, which is much cheaper
 * @param {{open?: boolean}} [options]  open: the text is still streaming, so a displayed formula
 *   without its closing delimiter is shown as pending source rather than as plain text
 * @returns {DocumentFragment}
 */
export function renderBlocks(text, options = {}) {
  const env = { open: options.open === true };
  const html = Array.isArray(text) ? text.map((t) => md.render(t, env)).join('') : md.render(text, env);
  const frag = /** @type {DocumentFragment} */ (document.adoptNode(/** @type {Node} */ (/** @type {unknown} */ (purify.sanitize(html)))));
  // Each pass only when its markup can be there: most chunks are a plain paragraph.
  if (html.includes('<a ')) finishLinks(frag);
  if (html.includes('<table') || html.includes('task-item') || html.includes('mathcolor')) finishBlocks(frag);
  if (html.includes('<pre')) decorateCodeBlocks(frag);
  if (html.includes('<mover') || html.includes('<munder')) fixAccents(frag);
  return frag;
}
