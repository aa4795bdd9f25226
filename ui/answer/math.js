// Math in answers: `$…$` and `\(…\)` inline, `$$…$$` and `\[…\]` displayed, as markdown-it rules,
// typeset by KaTeX into MathML (which WebKitGTK draws natively: no KaTeX CSS, no fonts, nothing
// that needs inline styles). KaTeX runs with throwOnError: false and trust: false, so a broken
// formula comes back as its source text marked `.katex-error` and \href, \url, \includegraphics
// and friends are refused. Its HTML goes through DOMPurify like everything else (markdown.js).
//
// `$` is also money. A `$…$` pair is math only when it reads like TeX does in practice (Pandoc's
// rule): the opening `$` is followed by a non-space, the very next unescaped `$` closes it, that
// closing `$` follows a non-space and is not followed by a digit. So "$5 and $10", "$5-$10" and
// "$3,000–$5,000" stay prices, while "$x^2$" and "$E = mc^2$" are math. `\[1\]` (an escaped
// citation) stays text.

import katex from '../vendor/katex/katex.mjs';

/** @type {import('katex').KatexOptions} */
const KATEX_OPTIONS = {
  output: 'mathml',
  throwOnError: false,
  trust: false,
  strict: 'ignore',
  maxSize: 50,
  maxExpand: 500,
};
/** A displayed formula longer than this many lines without its closing delimiter is not one. */
export const MAX_MATH_LINES = 60;
const CACHE_SIZE = 500;
const CITATION_LIKE = /^\s*\d{1,3}(\s*[-–,]\s*\d{1,3})*\s*$/;

/** The streamed tail re-renders every frame; the same formulas are typeset once. */
const cache = new Map();


/** @param {string} text */
function escapeHtml(text) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/**
 * KaTeX's MathML for one formula, wrapped in `.math` (which citation linking leaves alone).
 * @param {string} tex
 * @param {boolean} display  displayed (centred, on its own line) rather than in the text
 * @param {boolean} [block]  a block of its own (a <div>); `$$…$$` inside a paragraph is a <span>
 * @returns {string} HTML, to be sanitized with the rest of the answer
 */
export function renderMath(tex, display, block = display) {
  const key = `${display ? 'D' : 'I'}${tex}`;
  let html = cache.get(key);
  if (html === undefined) {
    try {
      html = katex.renderToString(tex, { ...KATEX_OPTIONS, displayMode: display });
    } catch {
      // Only ParseErrors are turned into error output by KaTeX itself; anything else lands here.
      html = `<span class="katex-error">${escapeHtml(tex)}</span>`;
    }
    if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value);
    cache.set(key, html);
  }
  const tag = block ? 'div' : 'span';
  return `<${tag} class="${display ? 'math math-display' : 'math'}">${html}</${tag}>`;
}

/**
 * Source of a displayed formula whose closing delimiter has not streamed in yet.
 * @param {string} tex
 */
function renderPending(tex) {
  return `<div class="math math-display is-pending"><code>${escapeHtml(tex)}</code></div>`;
}

/**
 * Is the `$` at `pos` escaped by an odd number of backslashes?
 * @param {string} src
 * @param {number} pos
 */
function isEscaped(src, pos) {
  let n = 0;
  while (pos - n - 1 >= 0 && src[pos - n - 1] === '\\') n += 1;
  return n % 2 === 1;
}

/**
 * The next unescaped `$` at or after `from`, or -1.
 * @param {string} src
 * @param {number} from
 * @param {number} max
 */
function nextDollar(src, from, max) {
  for (let i = src.indexOf('$', from); i !== -1 && i < max; i = src.indexOf('$', i + 1)) {
    if (!isEscaped(src, i)) return i;
  }
  return -1;
}

/** Per paragraph, the last search for a closing delimiter, so a thousand `\(` without a `\)` stay linear. */
const searches = new WeakMap();

/**
 * The next `close` at or after `from` in the paragraph being parsed, or -1.
 * @param {any} state  markdown-it StateInline
 * @param {string} close
 * @param {number} from
 */
function findClose(state, close, from) {
  let memo = searches.get(state);
  if (!memo) searches.set(state, (memo = new Map()));
  const last = memo.get(close);
  if (last && from >= last.from && (last.end === -1 || last.end >= from)) return last.end;
  const end = state.src.indexOf(close, from);
  memo.set(close, { from, end });
  return end;
}

/**
 * @param {any} state  markdown-it StateInline
 * @param {number} start  offset of the content
 * @param {number} end    offset of the closing delimiter
 * @param {boolean} display
 * @param {string} markup
 */
function pushInline(state, start, end, display, markup) {
  const token = state.push('math_inline', 'math', 0);
  token.content = state.src.slice(start, end);
  token.markup = markup;
  token.info = display ? 'display' : '';
}

/**
 * Inline rule: `\(…\)`, `\[…\]`, `$$…$$` and `$…$` inside a paragraph.
 * @param {import('markdown-it').StateInline} state
 * @param {boolean} silent
 */
function mathInline(state, silent) {
  const { src, pos, posMax: max } = state;
  const c = src[pos];
  if (c === '\\') {
    const kind = src[pos + 1];
    if (kind !== '(' && kind !== '[') return false;
    const close = kind === '(' ? '\\)' : '\\]';
    const end = findClose(state, close, pos + 2);
    if (end === -1 || end + 2 > max) return false;
    const tex = src.slice(pos + 2, end);
    if (!tex.trim() || (kind === '[' && CITATION_LIKE.test(tex))) return false;
    if (!silent) pushInline(state, pos + 2, end, kind === '[', kind === '(' ? '\\(' : '\\[');
    state.pos = end + 2;
    return true;
  }
  if (c !== '$') return false;
  if (src[pos + 1] === '$') {
    const end = findClose(state, '$$', pos + 2);
    if (end === -1 || end + 2 > max || !src.slice(pos + 2, end).trim()) {
      // A lone "$$" is text; step over both so the second is not taken as an opening "$".
      if (!silent) state.pending += '$$';
      state.pos = pos + 2;
      return true;
    }
    if (!silent) pushInline(state, pos + 2, end, true, '$$');
    state.pos = end + 2;
    return true;
  }
  const after = src[pos + 1];
  if (after === undefined || pos + 1 >= max || /\s/.test(after)) return false;
  const end = nextDollar(src, pos + 1, max);
  if (end === -1) return false;
  if (/\s/.test(src[end - 1]) || /\d/.test(src[end + 1] ?? '') || src[end + 1] === '$') return false;
  if (!silent) pushInline(state, pos + 1, end, false, '$');
  state.pos = end + 1;
  return true;
}

/**
 * Block rule: a line starting with `$$` or `\[` up to a line ending with `$$` or `\]`. Blank
 * lines may sit inside. While the answer streams (env.open), an unclosed formula shows as its
 * source; once complete, an unclosed one is ordinary text.
 * @param {import('markdown-it').StateBlock} state
 * @param {number} startLine
 * @param {number} endLine
 * @param {boolean} silent
 */
function mathBlock(state, startLine, endLine, silent) {
  if (state.sCount[startLine] - state.blkIndent >= 4) return false;
  const begin = state.bMarks[startLine] + state.tShift[startLine];
  const line = state.src.slice(begin, state.eMarks[startLine]);
  let close;
  if (line.startsWith('$$')) close = '$$';
  else if (line.startsWith('\\[')) close = '\\]';
  else return false;
  const first = line.slice(2);
  let tex;
  let next = startLine + 1;
  let pending = false;
  const sameLine = first.indexOf(close);
  if (sameLine !== -1) {
    if (first.slice(sameLine + 2).trim() || !first.slice(0, sameLine).trim()) return false;
    tex = first.slice(0, sameLine);
  } else {
    const lines = [first];
    let closed = false;
    for (; next < endLine && next - startLine <= MAX_MATH_LINES; next += 1) {
      const from = state.bMarks[next] + state.tShift[next];
      const to = state.eMarks[next];
      if (from < to && state.sCount[next] < state.blkIndent) break;
      const text = state.src.slice(from, to).trimEnd();
      if (text.endsWith(close)) {
        lines.push(text.slice(0, -2));
        closed = true;
        next += 1;
        break;
      }
      lines.push(text);
    }
    if (!closed) {
      if (!state.env?.open || next < endLine) return false;
      pending = true;
    }
    tex = lines.join('\n');
  }
  if (silent) return true;
  const token = state.push('math_block', 'math', 0);
  token.content = tex;
  token.markup = line.slice(0, 2);
  token.meta = { pending };
  token.block = true;
  token.map = [startLine, next];
  state.line = next;
  return true;
}

/**
 * The markdown-it plugin.
 * @param {import('markdown-it').MarkdownIt} md
 */
export function mathPlugin(md) {
  md.inline.ruler.before('escape', 'math_inline', mathInline);
  md.block.ruler.before('blockquote', 'math_block', mathBlock, { alt: ['paragraph', 'reference', 'blockquote', 'list'] });
  md.renderer.rules.math_inline = (tokens, idx) => renderMath(tokens[idx].content, tokens[idx].info === 'display', false);
  md.renderer.rules.math_block = (tokens, idx) => {
    const token = tokens[idx];
    return token.meta?.pending ? renderPending(token.markup + token.content) : renderMath(token.content.trim(), true);
  };
}

const MATHML = 'http://www.w3.org/1998/Math/MathML';
/** \bar, \overline, \underline: KaTeX's accent characters for a bar over or under. */
const BARS = new Set(['\u02C9', '\u203E', '\u00AF', '\u005F']);

/**
 * WebKitGTK cannot place some of KaTeX's accents with the math fonts Linux has (DejaVu Math draws
 * no bar at all for \bar and \overline, and puts \vec's arrow off to the side): bars become
 * <menclose> lines, which it draws the width of what they cover, and \vec gets a plain arrow.
 * Runs on sanitized nodes.
 * @param {ParentNode} root
 */
export function fixAccents(root) {
  for (const node of root.querySelectorAll('mover, munder')) {
    const [base, accent] = node.children;
    if (node.children.length !== 2 || accent.localName !== 'mo') continue;
    const char = accent.textContent ?? '';
    if (BARS.has(char)) {
      const line = document.createElementNS(MATHML, 'menclose');
      line.setAttribute('notation', node.localName === 'mover' ? 'top' : 'bottom');
      line.append(base);
      node.replaceWith(line);
    } else if (char === '\u20D7') {
      accent.textContent = '\u2192';
    }
  }
}

/**
 * Does this line open a displayed formula that does not close on the same line? The streaming
 * splitter's view of mathBlock, so it never cuts a formula at a blank line.
 * @param {string} line
 * @returns {string | null} the closing delimiter to wait for
 */
export function mathOpening(line) {
  const trimmed = line.trimStart();
  const close = trimmed.startsWith('$$') ? '$$' : trimmed.startsWith('\\[') ? '\\]' : null;
  if (!close || trimmed.indexOf(close, 2) !== -1) return null;
  return close;
}

/**
 * @param {string} line
 * @param {string} close  as returned by mathOpening
 */
export function closesMath(line, close) {
  return line.trimEnd().endsWith(close);
}
