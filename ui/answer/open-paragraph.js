// The append fast path of streaming.js: the open chunk while it renders as one long paragraph.
// Pieces are frozen off its front, rendered once, and kept in one live <p>; each frame only the
// tail after the last piece is rendered (see streaming.js's header for when it applies and when
// the chunk is rendered whole again).

import { renderBlocks } from './markdown.js';

/**
 * An open paragraph whose tail (the text after its last frozen piece) grows past this many
 * characters has a piece frozen off the tail's front. Rendering 1.5 KB of paragraph costs well
 * under a millisecond, so a frame stays cheap; a smaller size would only mean more pieces, more
 * chances of a delimiter spanning a split, and more text nodes in the live <p>.
 */
export const PIECE_AT = 1536;
/** A piece that could not be frozen is tried again, this much longer, once the tail has grown. */
const PIECE_STEP = 768;
/** A piece this long is frozen even if it shows a delimiter that might close later. */
const PIECE_HARD = 8192;
const LETTER = /\p{L}/u;
/** A word ending a sentence: `end.`, `end?"`, `**end.**`, `end.[1][2]`. */
const SENTENCE_END = /[.!?][)\]"'”’*_]*(?:\[[\d\s,–-]+\])*$/;
/** Shown as text, these may be half of a delimiter whose other half is still to come. */
const OPEN_DELIMITER = /[`*_[<~$\\]/;
/** `[…]` closed and not a link's text, e.g. a citation. */
const CLOSED_BRACKETS = /\[[^[\]]*\](?!\()/g;
/** Inline formulas whose opening, left alone, shows only as the character after the backslash. */
const MATH_DELIMITERS = [['\\(', '\\)'], ['\\[', '\\]']];
/** Rendered constructs that are complete, whatever text they show. */
const COMPLETE = 'code, .math, a, .link-inert';

/**
 * The open chunk while it renders as one long paragraph (see the header): frozen pieces, each
 * followed by a space, then the tail, all children of one live <p>.
 */
export class OpenParagraph {
  /**
   * @param {HTMLElement} p  the open chunk rendered whole (decorated, on screen): all of it tail
   * @param {number} from  the chunk's offset in the answer
   * @param {(nodes: Node[]) => void} decorate
   */
  constructor(p, from, decorate) {
    this.p = p;
    this.decorate = decorate;
    /** offset of the tail in the answer: everything before it is frozen */
    this.from = from;
    /** the tail length past which a piece is frozen off its front */
    this.want = PIECE_AT;
    /** @type {ChildNode[]} */
    this.tail = [...p.childNodes];
  }

  /**
   * Show the answer's new text: freeze pieces while the tail is long, then render the tail.
   * @param {string} text  the whole answer so far
   * @returns {boolean} false when the tail is no longer one paragraph (the chunk must then be
   *   rendered whole: its block structure has changed)
   */
  update(text) {
    if (text.length - this.from > this.want) {
      // Pieces go before the tail: take it out first.
      for (const node of this.tail) node.remove();
      this.tail = [];
      while (text.length - this.from > this.want) this.freeze(text);
    }
    const p = renderParagraph(text.slice(this.from), { open: true });
    if (!p) return false;
    this.decorate([p]);
    this.tail = replaceTail(this.p, this.tail, [...p.childNodes]);
    return true;
  }

  /** @param {string} text */
  freeze(text) {
    const end = pieceEnd(text, this.from, this.want);
    const source = end === -1 ? '' : text.slice(this.from, end);
    const piece = source && renderParagraph(source);
    if (piece && (source.length >= PIECE_HARD || isClosed(piece, source))) {
      this.decorate([piece]);
      this.p.append(...piece.childNodes, ' ');
      this.from = end + 1;
      this.want = PIECE_AT;
    } else {
      // Something in it may still close later (or it does not end well): try a longer one.
      this.want += PIECE_STEP;
    }
  }
}

/**
 * Put the new tail's nodes in place of the old tail's at the end of `parent`, keeping the old
 * nodes that are unchanged and growing a text node whose text only grew: a frame then changes a
 * node or two instead of the whole tail, and a citation under the pointer stays the same element
 * (its hover card stays up).
 * @param {HTMLElement} parent
 * @param {ChildNode[]} old  the old tail's nodes, the last children of `parent`
 * @param {ChildNode[]} fresh  the new tail's nodes
 * @returns {ChildNode[]} the tail's nodes now in `parent`
 */
function replaceTail(parent, old, fresh) {
  let same = 0;
  while (same < old.length && same < fresh.length && old[same].isEqualNode(fresh[same])) same += 1;
  const kept = old.slice(0, same);
  const was = /** @type {Text | undefined} */ (old[same]);
  const now = /** @type {Text | undefined} */ (fresh[same]);
  if (was?.nodeType === Node.TEXT_NODE && now?.nodeType === Node.TEXT_NODE && now.data.startsWith(was.data)) {
    was.appendData(now.data.slice(was.data.length));
    kept.push(was);
  }
  for (const node of old.slice(kept.length)) node.remove();
  const added = fresh.slice(kept.length);
  parent.append(...added);
  return kept.concat(added);
}

/**
 * @param {string} text
 * @param {{open?: boolean}} [options]
 * @returns {HTMLElement | null} the rendering of `text` when it is exactly one <p>
 */
function renderParagraph(text, options) {
  const frag = renderBlocks(text, options);
  const node = frag.firstChild;
  return frag.childNodes.length === 1 && node?.nodeName === 'P' ? /** @type {HTMLElement} */ (node) : null;
}

/**
 * Where a piece of the paragraph starting at `from` may end, at most `want` characters on: the
 * offset of a space between two words of one line, the next word starting with a letter, the line
 * so far holding a letter (so it is no list marker, underline or rule) and no `|` (a table's header
 * row must reach the tail whole, or the tail could not tell). The last sentence end in the last
 * PIECE_STEP characters, else the last such space; -1 if there is none.
 * @param {string} text
 * @param {number} from
 * @param {number} want
 */
function pieceEnd(text, from, want) {
  const seg = text.slice(from, from + want + 2);
  let letter = false;
  let pipe = false;
  let last = -1;
  let sentence = -1;
  for (let i = 0; i <= want && i < seg.length - 1; i += 1) {
    const c = seg[i];
    if (c === '\n') {
      letter = false;
      pipe = false;
    } else if (c === '|') {
      pipe = true;
    } else if (c === ' ') {
      if (i > want - PIECE_STEP && letter && !pipe && !/\s/.test(seg[i - 1]) && LETTER.test(seg[i + 1])) {
        last = i;
        if (SENTENCE_END.test(seg.slice(Math.max(0, i - 24), i))) sentence = i;
      }
    } else if (!letter && LETTER.test(c)) {
      letter = true;
    }
  }
  const at = sentence === -1 ? last : sentence;
  return at === -1 ? -1 : from + at;
}

/**
 * Can nothing after this piece change how it renders? True when its text, outside complete
 * constructs (code, math, links), shows no delimiter that could still pair with a later one.
 * @param {HTMLElement} p  the piece rendered
 * @param {string} source
 */
function isClosed(p, source) {
  // `\(` or `\[` without its closer renders as a plain "(" or "[", which could look closed.
  for (const [open, close] of MATH_DELIMITERS) {
    const at = source.lastIndexOf(open);
    if (at !== -1 && !source.includes(close, at + 2)) return false;
  }
  const walker = document.createTreeWalker(p, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT, {
    acceptNode: (node) =>
      node.nodeType === Node.ELEMENT_NODE && /** @type {Element} */ (node).matches(COMPLETE) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT,
  });
  let shown = '';
  while (walker.nextNode()) {
    if (walker.currentNode.nodeType === Node.TEXT_NODE) shown += /** @type {Text} */ (walker.currentNode).data;
  }
  for (let before = ''; before !== shown; ) {
    before = shown;
    shown = shown.replace(CLOSED_BRACKETS, '');
  }
  return !OPEN_DELIMITER.test(shown);
}
