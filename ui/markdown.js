// A small, safe markdown subset rendered straight to DOM nodes (streaming.js feeds it a growing
// answer chunk by chunk). Model text is untrusted: it only ever becomes text nodes and a fixed set of
// elements built here; nothing in this module touches innerHTML. Links keep their href only when
// it is http(s); the document-wide guard in links.js sends clicks to the system browser.
//
// Supported: paragraphs (single newlines are line breaks), headings # to ###, **bold**, *em*,
// ~~strike~~, `code`, fenced code blocks, - / 1. lists (nested by indentation), > quotes, ---,
// pipe tables, [text](url) links and bare http(s) URLs.

import { isWebUrl } from './links.js';

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;
const HEADING = /^ {0,3}(#{1,6})\s+(.*?)(?:\s+#+)?\s*$/;
const LIST_ITEM = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}>\s?(.*)$/;
const TABLE_SEP = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;
const INLINE_SPECIAL = /[\\\n`*_~[h]/g;
const ESCAPABLE = '\\`*_{}[]()#+-.!|~>';
const BARE_URL = /^https?:\/\/[^\s<>"'`]*[^\s<>"'`.,;:!?)\]]/;

/**
 * @param {string} tag
 * @param {string} [className]
 */
function el(tag, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}

/**
 * The fence marker (``` or ~~~, any length) when `line` opens a fenced code block, else null.
 * @param {string} line
 */
export function fenceOpening(line) {
  return FENCE.exec(line)?.[1] ?? null;
}

/**
 * @param {string} line
 * @param {string} marker  as returned by fenceOpening
 */
export function closesFence(line, marker) {
  const trimmed = line.trim();
  return trimmed.length >= marker.length && trimmed[0] === marker[0] && /^(`+|~+)$/.test(trimmed);
}

/** Does this line start a block that interrupts a paragraph? */
function startsBlock(line) {
  return FENCE.test(line) || HEADING.test(line) || QUOTE.test(line) || RULE.test(line) || LIST_ITEM.test(line);
}

/**
 * Render markdown text (one or more blocks) to a fragment of safe DOM nodes.
 * @param {string} text
 * @returns {DocumentFragment}
 */
export function renderBlocks(text) {
  const frag = document.createDocumentFragment();
  const lines = text.split('\n');
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    let m;
    if (!line.trim()) {
      i += 1;
    } else if ((m = FENCE.exec(line))) {
      i = renderFence(lines, i, m[1], m[2], frag);
    } else if ((m = HEADING.exec(line))) {
      const heading = el(`h${Math.min(m[1].length, 3) + 1}`);
      renderInline(m[2], heading);
      frag.append(heading);
      i += 1;
    } else if (RULE.test(line)) {
      frag.append(el('hr'));
      i += 1;
    } else if (QUOTE.test(line)) {
      const inner = [];
      while (i < lines.length && (m = QUOTE.exec(lines[i]))) {
        inner.push(m[1]);
        i += 1;
      }
      const quote = el('blockquote');
      quote.append(renderBlocks(inner.join('\n')));
      frag.append(quote);
    } else if (LIST_ITEM.test(line)) {
      i = renderList(lines, i, frag);
    } else if (line.includes('|') && i + 1 < lines.length && lines[i + 1].includes('|') && TABLE_SEP.test(lines[i + 1])) {
      i = renderTable(lines, i, frag);
    } else {
      const para = [line];
      i += 1;
      while (i < lines.length && lines[i].trim() && !startsBlock(lines[i])) {
        para.push(lines[i]);
        i += 1;
      }
      const p = el('p');
      renderInline(para.join('\n').trim(), p);
      frag.append(p);
    }
  }
  return frag;
}

function renderFence(lines, start, marker, lang, parent) {
  const body = [];
  let i = start + 1;
  while (i < lines.length && !closesFence(lines[i], marker)) {
    body.push(lines[i]);
    i += 1;
  }
  const pre = el('pre');
  const code = el('code');
  if (lang) pre.dataset.lang = lang;
  code.textContent = body.join('\n');
  pre.append(code);
  parent.append(pre);
  return i + 1;
}

function dedent(lines) {
  const indents = lines.filter((l) => l.trim()).map((l) => l.length - l.trimStart().length);
  const cut = indents.length ? Math.min(...indents) : 0;
  return lines.map((l) => l.slice(Math.min(cut, l.length - l.trimStart().length)));
}

function renderList(lines, start, parent) {
  const first = /** @type {RegExpExecArray} */ (LIST_ITEM.exec(lines[start]));
  const base = first[1].length;
  const ordered = /\d/.test(first[2]);
  const list = el(ordered ? 'ol' : 'ul');
  const startNumber = parseInt(first[2], 10);
  if (ordered && startNumber !== 1) /** @type {HTMLOListElement} */ (list).start = startNumber;

  /** @type {string[] | null} */
  let item = null;
  const flush = () => {
    if (item) list.append(renderListItem(item));
  };
  let i = start;
  for (; i < lines.length; i += 1) {
    const line = lines[i];
    if (!line.trim()) break;
    const m = LIST_ITEM.exec(line);
    if (m && m[1].length <= base + 1) {
      if (/\d/.test(m[2]) !== ordered) break;
      flush();
      item = [m[3]];
    } else if (!m && line.length - line.trimStart().length <= base && startsBlock(line)) {
      break;
    } else if (item) {
      item.push(line);
    }
  }
  flush();
  parent.append(list);
  return i;
}

/** @param {string[]} lines  first line is the item's own text; the rest continuation or sub-list */
function renderListItem(lines) {
  const li = el('li');
  let k = 1;
  while (k < lines.length && !startsBlock(lines[k].trimStart())) k += 1;
  renderInline(lines.slice(0, k).map((l) => l.trim()).join('\n'), li);
  if (k < lines.length) li.append(renderBlocks(dedent(lines.slice(k)).join('\n')));
  return li;
}

function splitRow(line) {
  let row = line.trim();
  if (row.startsWith('|')) row = row.slice(1);
  if (row.endsWith('|') && !row.endsWith('\\|')) row = row.slice(0, -1);
  const cells = [];
  let cell = '';
  for (let i = 0; i < row.length; i += 1) {
    if (row[i] === '\\' && row[i + 1] === '|') {
      cell += '|';
      i += 1;
    } else if (row[i] === '|') {
      cells.push(cell.trim());
      cell = '';
    } else {
      cell += row[i];
    }
  }
  cells.push(cell.trim());
  return cells;
}

function renderTable(lines, start, parent) {
  const aligns = splitRow(lines[start + 1]).map((c) => {
    if (c.startsWith(':') && c.endsWith(':')) return 'align-center';
    return c.endsWith(':') ? 'align-right' : '';
  });
  const wrap = el('div', 'table-wrap');
  const table = el('table');
  const addRow = (section, cells, tag) => {
    const tr = el('tr');
    aligns.forEach((align, col) => {
      const cell = el(tag, align);
      renderInline(cells[col] ?? '', cell);
      tr.append(cell);
    });
    section.append(tr);
  };
  const head = el('thead');
  addRow(head, splitRow(lines[start]), 'th');
  const body = el('tbody');
  let i = start + 2;
  while (i < lines.length && lines[i].trim() && lines[i].includes('|')) {
    addRow(body, splitRow(lines[i]), 'td');
    i += 1;
  }
  table.append(head, body);
  wrap.append(table);
  parent.append(wrap);
  return i;
}

/** Find the end of a code span starting at `i`, or -1. */
function matchCode(text, i) {
  let n = 0;
  while (text[i + n] === '`') n += 1;
  const fence = '`'.repeat(n);
  let j = text.indexOf(fence, i + n);
  while (j !== -1 && text[j + n] === '`') j = text.indexOf(fence, j + n + 1);
  return j === -1 ? null : { inner: text.slice(i + n, j), end: j + n };
}

const isWordChar = (c) => c !== undefined && /[\p{L}\p{N}]/u.test(c);
const isSpace = (c) => c === undefined || /\s/.test(c);

/** Match **strong**, __strong__, *em*, _em_ or ~~del~~ starting at `i`. */
function matchEmphasis(text, i) {
  const c = text[i];
  const double = text[i + 1] === c;
  if (c === '~' && !double) return null;
  if (c === '_' && isWordChar(text[i - 1])) return null;
  const width = double ? 2 : 1;
  if (isSpace(text[i + width])) return null;
  const marker = c.repeat(width);
  let j = text.indexOf(marker, i + width + 1);
  while (j !== -1) {
    if (double) {
      while (text[j + 2] === c) j += 1;
    } else if (text[j + 1] === c) {
      j = text.indexOf(marker, j + 2);
      continue;
    }
    const closes = !isSpace(text[j - 1]) && !(c === '_' && isWordChar(text[j + width]));
    if (closes) break;
    j = text.indexOf(marker, j + width);
  }
  if (j === -1) return null;
  const tag = c === '~' ? 'del' : double ? 'strong' : 'em';
  return { tag, inner: text.slice(i + width, j), end: j + width };
}

/** Match [label](url "title") starting at `i`; parentheses inside the URL may nest. */
function matchLink(text, i) {
  let depth = 0;
  let j = i;
  for (; j < text.length; j += 1) {
    if (text[j] === '\\') j += 1;
    else if (text[j] === '[') depth += 1;
    else if (text[j] === ']' && --depth === 0) break;
    else if (text[j] === '\n') return null;
  }
  if (j >= text.length || text[j + 1] !== '(') return null;
  const label = text.slice(i + 1, j);
  let k = j + 2;
  depth = 1;
  for (; k < text.length; k += 1) {
    if (text[k] === '(') depth += 1;
    else if (text[k] === ')' && --depth === 0) break;
    else if (text[k] === '\n') return null;
  }
  if (k >= text.length || !label) return null;
  let url = text.slice(j + 2, k).trim().split(/\s+/)[0] ?? '';
  if (url.startsWith('<') && url.endsWith('>')) url = url.slice(1, -1);
  return { label, url, end: k + 1 };
}

/**
 * @param {string} url
 * @param {(parent: HTMLElement) => void} fill
 */
function renderLink(url, fill) {
  if (!isWebUrl(url)) {
    const span = el('span', 'link-inert');
    span.title = 'Not opened: only web (http/https) links open';
    fill(span);
    return span;
  }
  const a = /** @type {HTMLAnchorElement} */ (el('a', 'md-link'));
  a.setAttribute('href', url);
  a.title = url;
  a.rel = 'noopener noreferrer';
  fill(a);
  return a;
}

/**
 * Render inline markdown into `parent`.
 * @param {string} text
 * @param {HTMLElement} parent
 */
export function renderInline(text, parent) {
  let plainFrom = 0;
  const flushTo = (end) => {
    if (end > plainFrom) parent.append(text.slice(plainFrom, end));
  };
  const special = new RegExp(INLINE_SPECIAL.source, 'g');
  let m;
  while ((m = special.exec(text))) {
    const i = m.index;
    const c = text[i];
    /** @type {Node | null} */
    let node = null;
    let end = i;
    if (c === '\\' && ESCAPABLE.includes(text[i + 1] ?? '\n')) {
      flushTo(i);
      plainFrom = i + 1;
      special.lastIndex = i + 2;
      continue;
    } else if (c === '\n') {
      node = el('br');
      end = i + 1;
    } else if (c === '`') {
      const code = matchCode(text, i);
      if (code) {
        node = el('code');
        node.textContent = code.inner.replace(/\n/g, ' ');
        end = code.end;
      } else {
        while (text[special.lastIndex] === '`') special.lastIndex += 1;
      }
    } else if (c === '*' || c === '_' || c === '~') {
      const emph = matchEmphasis(text, i);
      if (emph) {
        node = el(emph.tag);
        renderInline(emph.inner, /** @type {HTMLElement} */ (node));
        end = emph.end;
      } else if (text[i + 1] === c) {
        special.lastIndex = i + 2;
      }
    } else if (c === '[') {
      const link = matchLink(text, i);
      if (link) {
        node = renderLink(link.url, (target) => renderInline(link.label, target));
        end = link.end;
      }
    } else if (c === 'h' && !isWordChar(text[i - 1]) && text.startsWith('http', i)) {
      const bare = BARE_URL.exec(text.slice(i, i + 2048));
      if (bare) {
        node = renderLink(bare[0], (target) => target.append(bare[0]));
        end = i + bare[0].length;
      }
    }
    if (node) {
      flushTo(i);
      parent.append(node);
      plainFrom = end;
      special.lastIndex = end;
    }
  }
  flushTo(text.length);
}
