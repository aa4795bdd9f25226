// Incremental rendering of a streamed answer. The text is split into chunks at blank lines
// outside code fences and displayed formulas; a chunk is settled once the next block has begun,
// and is then rendered exactly once and never touched again. Only the last, still-open chunk is
// re-rendered, at most once per animation frame, so the work per frame stays flat however long
// the answer grows. Rendering itself is markdown.js's job.
//
// A blank line followed by an indented line does not split: that is a list item's next paragraph
// (or indented code), which must be rendered with the item it belongs to.
//
// One open chunk can still grow long: a paragraph of thousands of words without a blank line.
// Re-rendering it whole every frame would cost more each frame, so while the open chunk renders as
// a single <p> it takes an append fast path (OpenParagraph): pieces are frozen off its front,
// rendered once, and kept in one live <p>; each frame only the tail after the last piece is
// rendered, and its nodes replace the previous tail's (those unchanged are kept). A piece ends at
// a space between two words of one line, the next word starting with a letter (so the tail,
// rendered alone, cannot start a list, heading or quote), and is frozen only when it renders as
// one <p> showing no delimiter that a later character could still close (`*`, `` ` ``, `[`, …):
// then pieces, a space between each, and the tail are the nodes of the whole paragraph. Past
// PIECE_HARD a piece is frozen anyway, to keep the cost bounded (open-paragraph.js). When the
// tail stops being one <p> (a `---` underline, a list line, a table), the block structure has
// changed: the chunk is rendered whole again, and takes the fast path again only if it renders as
// one <p> again. Either way a chunk is rendered whole, exactly, once it settles.

import { closesFence, fenceOpening, renderBlocks } from './markdown.js';
import { closesMath, mathOpening, MAX_MATH_LINES } from './math.js';
import { OpenParagraph, PIECE_AT } from './open-paragraph.js';

const GROUP_SIZE = 32;
/** The caret blinks only after this long without new text (see placeCaret). */
const IDLE_MS = 600;

/** Renders a growing markdown text into a container without re-rendering what is settled. */
export class StreamingMarkdown {
  /**
   * @param {HTMLElement} container
   * @param {{decorate?: (nodes: Node[]) => void, onRender?: () => void}} [hooks]
   *   decorate: post-process freshly rendered nodes (citation links); onRender: after each frame
   */
  constructor(container, hooks = {}) {
    this.container = container;
    this.decorate = hooks.decorate ?? (() => {});
    this.onRender = hooks.onRender ?? (() => {});
    this.text = '';
    this.caret = document.createElement('span');
    this.caret.className = 'caret';
    this.caret.setAttribute('aria-hidden', 'true');
    this.finished = false;
    this.needsReset = false;
    this.pending = false;
    this.frame = 0;
    this.timer = 0;
    this.idleTimer = 0;
    // Set again by reset(); declared here so they are never undefined.
    this.committed = 0;
    this.scanned = 0;
    this.gap = -1;
    this.mathLines = 0;
    this.groupSize = 0;
    /** @type {Node[]} */
    this.openNodes = [];
    this.reset();
    container.append(this.caret);
  }

  reset() {
    this.committed = 0; // offset where the open chunk starts
    this.scanned = 0; // offset of the first line not yet scanned for chunk boundaries
    this.gap = -1; // offset of the blank line that may end the open chunk, once the next line shows
    /** @type {string | null} the open code fence's marker */
    this.fence = null;
    /** @type {string | null} the open displayed formula's closing delimiter */
    this.math = null;
    this.mathLines = 0;
    /** @type {Node[]} */
    this.openNodes = [];
    /** @type {OpenParagraph | null} the open chunk on the append fast path */
    this.paragraph = null;
    /** @type {HTMLElement | null} settled chunks are kept in groups so layout stays cheap */
    this.group = null;
    this.groupSize = 0;
    this.container.replaceChildren();
  }

  /** @param {string} text */
  append(text) {
    if (this.finished || !text) return;
    this.text += text;
    this.schedule();
  }

  /** Re-render everything, e.g. when the sources the citations point at change. */
  refresh() {
    this.needsReset = true;
    if (this.finished) this.flush();
    else this.schedule();
  }

  /** Render the remaining text now and drop the caret. */
  finish() {
    this.cancel();
    this.finished = true;
    clearTimeout(this.idleTimer);
    this.container.classList.remove('is-idle');
    this.flush();
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    const run = () => {
      this.cancel();
      this.flush();
    };
    this.frame = requestAnimationFrame(run);
    // Backstop: animation frames do not fire while the window is hidden.
    this.timer = window.setTimeout(run, 150);
  }

  cancel() {
    this.pending = false;
    cancelAnimationFrame(this.frame);
    clearTimeout(this.timer);
  }

  flush() {
    if (this.needsReset) {
      this.needsReset = false;
      this.reset();
    }
    this.caret.remove();
    const settled = this.advance();
    // The open chunk is the first of them if any settled: it is rendered whole, like the others.
    if (settled.length) this.paragraph = null;
    if (!this.paragraph) this.removeOpen();
    // Several chunks settle at once when a saved answer is opened: render them a group at a time.
    for (let i = 0; i < settled.length; ) {
      if (!this.group || this.groupSize >= GROUP_SIZE) this.startGroup();
      const batch = settled.slice(i, i + GROUP_SIZE - this.groupSize);
      this.renderSettled(batch);
      i += batch.length;
    }
    this.renderOpen();
    if (!this.finished) this.placeCaret();
    this.onRender();
  }

  /** The open chunk: only its tail while it is one long paragraph, else all of it. */
  renderOpen() {
    if (this.paragraph?.update(this.text)) return;
    this.paragraph = null;
    this.removeOpen();
    const open = this.text.slice(this.committed);
    if (!open.trim()) return;
    const frag = renderBlocks(open, { open: !this.finished });
    this.openNodes = [...frag.childNodes];
    this.decorate(this.openNodes);
    this.container.append(frag);
    const [node] = this.openNodes;
    if (!this.finished && open.length > PIECE_AT && this.openNodes.length === 1 && node.nodeName === 'P') {
      this.paragraph = new OpenParagraph(/** @type {HTMLElement} */ (node), this.committed, this.decorate);
    }
  }

  removeOpen() {
    for (const node of this.openNodes) node.parentNode?.removeChild(node);
    this.openNodes = [];
  }

  /** @returns {string[]} chunks completed since the last call */
  advance() {
    const done = [];
    const { text } = this;
    let nl;
    // Complete lines only, until the answer is finished: then its last line too.
    /** @returns {number} */
    const nextLine = () => {
      const at = text.indexOf('\n', this.scanned);
      return at === -1 && this.finished && this.scanned < text.length ? text.length : at;
    };
    while ((nl = nextLine()) !== -1) {
      const line = text.slice(this.scanned, nl);
      if (this.fence) {
        if (closesFence(line, this.fence)) this.fence = null;
      } else if (this.math) {
        this.mathLines += 1;
        if (closesMath(line, this.math) || this.mathLines > MAX_MATH_LINES) this.math = null;
      } else if (!line.trim()) {
        if (this.gap === -1) this.gap = this.scanned;
      } else {
        if (this.gap !== -1 && !/^\s/.test(line)) {
          const chunk = text.slice(this.committed, this.gap);
          if (chunk.trim()) done.push(chunk);
          this.committed = this.scanned;
        }
        this.gap = -1;
        this.fence = fenceOpening(line);
        this.math = this.fence ? null : mathOpening(line);
        this.mathLines = 0;
      }
      this.scanned = nl + 1;
    }
    if (this.finished) {
      const rest = text.slice(this.committed);
      if (rest.trim()) done.push(rest);
      this.committed = text.length;
    }
    return done;
  }

  /**
   * Settled chunks are rendered into the current group once and never touched again. Grouping
   * keeps the container's child count small: a frame's layout then walks a few dozen cached
   * groups instead of every paragraph of a very long answer.
   * @param {string[]} chunks  at most what the current group still has room for
   */
  renderSettled(chunks) {
    const frag = renderBlocks(chunks);
    this.decorate([...frag.childNodes]);
    /** @type {HTMLElement} */ (this.group).append(frag);
    this.groupSize += chunks.length;
  }

  startGroup() {
    this.group = document.createElement('div');
    this.group.className = 'md-group';
    this.groupSize = 0;
    this.container.append(this.group);
  }

  /**
   * Put the caret at the end of the last rendered element. It is re-inserted every frame, so it
   * must not carry a running CSS animation then (WebKit's cost of cancelling one grows with every
   * animation it has seen); it only blinks once the text has paused, via `.is-idle`.
   */
  placeCaret() {
    let target = this.container;
    let last = target.lastElementChild;
    while (last && /^(P|H\d|UL|OL|LI|PRE|CODE|BLOCKQUOTE|DIV|TABLE|TBODY|TR|TD)$/.test(last.tagName)) {
      target = /** @type {HTMLElement} */ (last);
      last = last.lastElementChild;
    }
    this.container.classList.remove('is-idle');
    target.append(this.caret);
    clearTimeout(this.idleTimer);
    this.idleTimer = window.setTimeout(() => this.container.classList.add('is-idle'), IDLE_MS);
  }
}
