// Incremental rendering of a streamed answer. The text is split into chunks at blank lines
// outside code fences; a chunk followed by a blank line is settled and rendered exactly once.
// Only the last, still-open chunk is re-rendered, at most once per animation frame. Rendering
// itself is markdown.js's job, so a different markdown renderer can slot in behind this.

import { closesFence, fenceOpening, renderBlocks } from './markdown.js';

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
    this.reset();
    container.append(this.caret);
  }

  reset() {
    this.committed = 0; // offset where the open chunk starts
    this.scanned = 0; // offset of the first line not yet scanned for chunk boundaries
    /** @type {string | null} */
    this.fence = null;
    /** @type {Node[]} */
    this.openNodes = [];
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
    for (const node of this.openNodes) node.parentNode?.removeChild(node);
    for (const chunk of this.advance()) this.renderChunk(chunk, true);
    const open = this.text.slice(this.committed);
    this.openNodes = open.trim() ? this.renderChunk(open, false) : [];
    if (!this.finished) this.placeCaret();
    this.onRender();
  }

  /** @returns {string[]} chunks completed since the last call */
  advance() {
    const done = [];
    const { text } = this;
    let nl;
    while ((nl = text.indexOf('\n', this.scanned)) !== -1) {
      const line = text.slice(this.scanned, nl);
      const opening = this.fence ? null : fenceOpening(line);
      if (this.fence) {
        if (closesFence(line, this.fence)) this.fence = null;
      } else if (opening) {
        this.fence = opening;
      } else if (!line.trim()) {
        const chunk = text.slice(this.committed, this.scanned);
        if (chunk.trim()) done.push(chunk);
        this.committed = nl + 1;
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
   * @param {string} chunk
   * @param {boolean} settled  settled chunks go into a group and are never touched again
   */
  renderChunk(chunk, settled) {
    const frag = renderBlocks(chunk);
    const nodes = [...frag.childNodes];
    this.decorate(nodes);
    if (!settled) {
      this.container.append(frag);
      return nodes;
    }
    // Grouping keeps the container's child count small: a frame's layout then walks a few
    // dozen cached groups instead of every paragraph of a very long answer.
    if (!this.group || this.groupSize >= GROUP_SIZE) {
      this.group = document.createElement('div');
      this.group.className = 'md-group';
      this.groupSize = 0;
      this.container.append(this.group);
    }
    this.group.append(frag);
    this.groupSize += 1;
    return nodes;
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
