// An answer in the conversation as DOM. It owns its streaming renderer and reacts to the
// backend's channel events (see ChatEvent in ipc/ipc.js), or is built at once from a StoredMessage
// when a saved conversation is opened. (Questions are chat/user-turn.js.)
//
// Layout, top to bottom: search status line, source cards, retry note, answer, reasoning
// (collapsed), image thumbnails, related questions, the sources list (collapsed), error banner,
// footer (note, Retry, Copy, Copy with sources, Regenerate, versions, tokens/cost). The words of
// the live status line, the retry countdown and the "Not saved" note are in turn-notes.js.
// About 440 lines as one piece: each method is one event of the answer's life, and they share
// the turn's state (its renderer, sources, note and footer). A background run's progress block
// is research/progress.js.

import { renderAnsweredBy, renderCostActual } from '../cost/cost-display.js';
import { renderErrorBanner } from '../chat/error-banner.js';
import { Gallery } from './image-gallery.js';
import { relatedQuestions, renderRelated } from './related-questions.js';
import { renderAnswerSources, sourcesAsText } from './source-list.js';
import { StreamingMarkdown } from './streaming.js';
import { indexSources, linkCitations, renderSourceList } from './source-cards.js';
import { actionButton, copyText, flashCopied, renderVersions, setControlsBusy } from '../chat/turn-actions.js';
import { el } from '../lib/dom.js';
import { readingHosts, savingText, showLive, startRetryCountdown } from './turn-notes.js';
import { ResearchProgress } from '../research/progress.js';
import { runFor } from '../research/runs.js';

/**
 * @typedef {import('../ipc/ipc.js').ChatEvent} ChatEvent
 * @typedef {import('../ipc/ipc.js').IpcError} IpcError
 * @typedef {import('../ipc/ipc.js').Source} Source
 * @typedef {import('../ipc/ipc.js').StoredMessage} StoredMessage
 * @typedef {import('../ipc/ipc.js').Versions} Versions
 * @typedef {"streaming" | "done" | "stopped" | "error"} TurnState
 *   "stopped": cut off (Stop, or an answer saved as interrupted by a crash or quit)
 *
 * @typedef {object} TurnHooks
 * @property {(turn: AssistantTurn) => void} onSettled  the turn stopped streaming, for any reason
 * @property {(turn: AssistantTurn) => void} onRetry    Retry and Regenerate: answer the question again
 * @property {(question: string) => void} onAsk   a related question: ask it next in this conversation
 * @property {(turn: AssistantTurn, messageId: string) => void} onVersion
 * @property {() => void} onOpenSettings
 * @property {(turn: AssistantTurn) => Promise<void>} [onSwitchToAgent]  the retired Sonar API: switch, then ask again
 * @property {(turn: AssistantTurn) => void} [onContinue]  cut at the length limit: ask for the rest
 * @property {(limit: import('../ipc/ipc.js').RateLimit) => void} [onRateLimit]  what the rate-limit headers said
 * @property {() => void} onRender  content grew (keep the view scrolled)
 * @property {() => boolean} isBusy  an answer is streaming: no Regenerate or version switch now
 */

export class AssistantTurn {
  /** @param {TurnHooks} hooks */
  constructor(hooks) {
    this.hooks = hooks;
    /** @type {TurnState} */
    this.state = 'streaming';
    /** @type {"stop" | "length" | "cancelled" | null} */
    this.finishReason = null;
    /** @type {Map<number, Source>} */
    this.sources = new Map();
    /** @type {string[]} */
    this.queries = [];
    this.retryTimer = 0;
    /** @type {string | null} the saved answer's id (from the receipt or the stored message) */
    this.id = null;
    /** @type {Versions | null} */
    this.versions = null;
    /** @type {string | null} the model or preset asked (a preset resolves to a model on the server) */
    this.model = null;
    /** @type {ResearchProgress | null} while a background run goes on (research/progress.js) */
    this.progress = null;
    /** Sent as a background run: leaving the conversation does not stop it. */
    this.background = false;

    this.el = el('article', 'turn turn-assistant');
    this.el.dataset.testid = 'message-assistant';
    this.el.setAttribute('aria-label', 'Answer');
    this.statusLine = el('p', 'search-status');
    this.statusLine.dataset.testid = 'search-status';
    this.statusLine.hidden = true;
    this.sourcesSlot = el('div', 'sources-slot');
    this.sourcesSlot.hidden = true;
    this.retryNote = el('p', 'retry-note');
    this.retryNote.hidden = true;
    this.content = el('div', 'assistant-content prose');
    this.content.dataset.testid = 'assistant-content';
    this.note = el('span', 'turn-note');
    this.actions = el('span', 'turn-actions');
    this.costSlot = el('span', 'cost-slot');
    this.footer = el('footer', 'turn-footer');
    this.footer.hidden = true;
    // "Not saved": the history could not be written (disk full, file busy); the backend retries.
    this.saveNote = el('p', 'save-note');
    this.saveNote.dataset.testid = 'save-note';
    this.saveNote.setAttribute('role', 'status');
    this.saveNote.hidden = true;
    this.footer.append(this.note, this.actions, this.costSlot);
    this.gallery = new Gallery();
    /** @type {string[]} */
    this.related = [];
    this.relatedSlot = el('div', 'related-slot');
    this.relatedSlot.hidden = true;
    this.sourcesUnder = el('div', 'sources-under');
    this.sourcesUnder.hidden = true;
    this.el.append(
      this.statusLine, this.sourcesSlot, this.retryNote, this.content,
      this.gallery.el, this.relatedSlot, this.sourcesUnder, this.saveNote, this.footer,
    );
    /** @type {HTMLDetailsElement | null} */
    this.reasoning = null;
    /** @type {Text | null} */
    this.reasoningText = null;

    this.renderer = new StreamingMarkdown(this.content, {
      decorate: (nodes) => linkCitations(nodes, this.sources),
      onRender: () => hooks.onRender(),
    });
    this.setState('streaming');
  }

  /**
   * An answer as saved: rendered once, with its sources, reasoning, cost and how it ended.
   * @param {StoredMessage} message
   * @param {TurnHooks} hooks
   */
  static fromStored(message, hooks) {
    const turn = new AssistantTurn(hooks);
    turn.id = message.id;
    turn.versions = message.versions ?? null;
    turn.el.dataset.messageId = message.id;
    turn.gallery.setMessage(message.id);
    turn.model = message.model ?? null;
    if (Array.isArray(message.queries)) turn.queries = message.queries.filter((q) => typeof q === 'string' && q);
    if (Array.isArray(message.sources) && message.sources.length) turn.showSources(message.sources);
    if (message.reasoning) turn.appendReasoning(message.reasoning);
    if (message.content) turn.renderer.append(message.content);
    turn.showImages(message.images);
    turn.showRelated(message.related);
    if (message.usage) turn.handleEvent({ event: 'usage', data: message.usage });
    const run = message.status === 'streaming' ? runFor(message.id) : null;
    if (run) turn.showRun(run.phase); // still running in the background: no live text here
    else if (message.status === 'complete') turn.complete(message.finish === 'length' ? 'length' : 'stop');
    else if (message.status === 'error') turn.fail(message.error ?? { kind: 'unknown', message: 'This answer failed.', retryAfter: null });
    else turn.interrupt(message.finish === 'cancelled' ? 'Stopped' : 'Answer interrupted');
    return turn;
  }

  /**
   * Attach the ids from the chat_send receipt, so Retry, Regenerate and versions work.
   * @param {string} id
   * @param {Versions | null} versions
   */
  setSaved(id, versions) {
    this.id = id;
    this.versions = versions;
    this.el.dataset.messageId = id;
    this.gallery.setMessage(id);
    if (this.state !== 'streaming') this.renderActions();
  }

  /** The answer text so far (markdown source, as the model wrote it). */
  get text() {
    return this.renderer.text;
  }

  /** @param {ChatEvent} message */
  handleEvent(message) {
    if (!message || typeof message !== 'object') return;
    const event = message.event;
    const data = /** @type {any} */ (message.data ?? {});
    switch (event) {
      case 'delta':
        if (this.state !== 'streaming' || typeof data.text !== 'string') return;
        this.clearRetrying();
        this.renderer.append(data.text);
        break;
      case 'reasoning':
        if (this.state === 'streaming' && data.text) this.appendReasoning(data.text);
        break;
      case 'searching':
        if (this.state === 'streaming') this.showSearching(Array.isArray(data.queries) ? data.queries : []);
        break;
      case 'reading':
        if (this.state === 'streaming') this.showReading(Array.isArray(data.urls) ? data.urls : []);
        break;
      case 'rateLimit':
        this.hooks.onRateLimit?.(data);
        break;
      case 'sources':
        this.showSources(Array.isArray(data.sources) ? data.sources : []);
        break;
      case 'usage':
        this.footer.hidden = false;
        this.costSlot.replaceChildren(...renderAnsweredBy(this.model, data), renderCostActual(data));
        break;
      case 'retrying':
        if (this.state === 'streaming') this.showRetrying(data.waitSeconds, data.reason, data.attempt);
        break;
      case 'done':
        if (data.finish === 'cancelled') this.stop();
        else this.complete(data.finish);
        break;
      case 'error':
        this.fail(data);
        break;
      case 'images':
        this.showImages(data.images);
        break;
      case 'related':
        this.showRelated(data.questions);
        break;
      case 'saving':
        this.showSaving(data);
        break;
      case 'run':
        if (this.state === 'streaming') this.showRun(data.phase, data.message);
        break;
      default:
        // Events this version does not know are ignored, never fatal.
        break;
    }
  }

  /** @param {TurnState} state */
  setState(state) {
    this.state = state;
    this.el.dataset.state = state;
    // With a background run's progress block, only the text is busy: its phase must be heard.
    this.el.setAttribute('aria-busy', String(state === 'streaming' && !this.progress));
    if (this.progress) this.content.setAttribute('aria-busy', 'true');
    else this.content.removeAttribute('aria-busy');
  }

  /**
   * A background run: its progress block (at the top of the answer) shows where it stands.
   * @param {import('../ipc/ipc.js').RunPhase} phase @param {string | null} [message]
   */
  showRun(phase, message = null) {
    if (!this.progress) {
      this.progress = new ResearchProgress({
        answerId: () => this.id,
        seen: () => ({ searches: this.queries.length, sources: this.sources.size }),
      });
      this.el.prepend(this.progress.el);
      this.setState(this.state);
    }
    this.progress.setPhase(phase, message);
  }

  /** @param {"stop" | "length"} finish */
  complete(finish) {
    if (this.state !== 'streaming') return;
    this.finishReason = finish;
    if (finish === 'length') this.setNote('Stopped at the answer length limit');
    this.settle('done');
  }

  /** The user stopped the answer; what arrived so far stays. */
  stop() {
    this.interrupt('Stopped');
  }

  /**
   * Cut off (Stop, or saved as interrupted): the partial answer, a quiet note and Retry.
   * @param {string} note
   */
  interrupt(note) {
    if (this.state !== 'streaming') return;
    this.finishReason = 'cancelled';
    this.setNote(note);
    this.settle('stopped');
  }

  /** @param {IpcError} error */
  fail(error) {
    if (this.state !== 'streaming') return;
    const banner = renderErrorBanner(error, {
      onRetry: () => this.hooks.onRetry(this),
      onOpenSettings: () => this.hooks.onOpenSettings(),
      onSwitchToAgent: () => this.hooks.onSwitchToAgent?.(this),
    });
    this.footer.before(banner);
    this.settle('error');
  }

  /** @param {TurnState} state */
  settle(state) {
    this.clearRetrying();
    this.renderer.finish();
    this.content.classList.toggle('is-empty', this.text.trim() === '');
    this.reasoning?.classList.remove('is-live');
    this.progress?.end();
    this.progress = null;
    if (this.queries.length && this.sources.size === 0) {
      this.statusLine.classList.remove('is-live');
      this.statusLine.textContent = `Searched: ${this.quotedQueries()}`;
    }
    this.setState(state);
    this.renderActions();
    this.hooks.onSettled(this);
  }

  /** Copy · Regenerate (Retry when cut off) · versions, once the answer has settled. */
  renderActions() {
    /** @type {HTMLElement[]} */
    const items = [];
    if (this.state === 'stopped') {
      const retry = actionButton({ label: 'Retry', icon: 'retry', testid: 'retry', onClick: () => this.hooks.onRetry(this) });
      retry.dataset.needsIdle = '';
      items.push(retry);
    }
    if (this.text.trim()) {
      const copy = actionButton({ label: 'Copy', icon: 'copy', testid: 'copy-answer', onClick: () => this.copy(copy, false) });
      copy.title = 'Copy the answer as Markdown';
      items.push(copy);
      if (this.sources.size) {
        const cited = actionButton({
          label: 'Copy with sources', icon: 'copy', testid: 'copy-with-sources', onClick: () => this.copy(cited, true),
        });
        cited.title = 'Copy the answer as Markdown, followed by its numbered sources';
        items.push(cited);
      }
    }
    if (this.state === 'done' && this.finishReason === 'length' && this.hooks.onContinue) {
      const more = actionButton({ label: 'Continue', icon: 'regenerate', testid: 'continue', onClick: () => this.hooks.onContinue?.(this) });
      more.title = 'Ask for the rest of this answer';
      more.dataset.needsIdle = '';
      items.push(more);
    }
    if (this.state === 'done') {
      const again = actionButton({ label: 'Regenerate', icon: 'regenerate', testid: 'regenerate', onClick: () => this.hooks.onRetry(this) });
      again.dataset.needsIdle = '';
      items.push(again);
    }
    const versions = renderVersions(this.versions, 'answer', (id) => this.hooks.onVersion(this, id));
    if (versions) items.push(versions);
    this.actions.replaceChildren(...items);
    setControlsBusy(this.actions, this.hooks.isBusy());
    if (items.length) this.footer.hidden = false;
  }

  /** @param {boolean} busy */
  setBusy(busy) {
    setControlsBusy(this.el, busy);
  }

  /**
   * The answer's markdown; `withSources`: followed by its sources, `[1]: Title — https://…`.
   * @param {HTMLButtonElement} button @param {boolean} withSources
   */
  async copy(button, withSources) {
    let text = this.text.trim();
    if (withSources && this.sources.size) text += `\n\n${sourcesAsText(this.sources.values())}`;
    flashCopied(button, await copyText(text));
  }

  /** @param {string} text */
  setNote(text) {
    this.note.textContent = text;
    this.footer.hidden = false;
  }

  quotedQueries() {
    return this.queries.map((q) => `“${q}”`).join(', ');
  }

  /** @param {string[]} queries */
  showSearching(queries) {
    for (const q of queries) if (typeof q === 'string' && q && !this.queries.includes(q)) this.queries.push(q);
    if (this.sources.size > 0 || this.queries.length === 0) return;
    showLive(this.statusLine, `Searching: ${this.quotedQueries()}`);
  }

  /** Pages the model opens and reads (the fetch_url tool): "Reading: example.com, …". @param {string[]} urls */
  showReading(urls) {
    const hosts = readingHosts(urls);
    if (hosts.length) showLive(this.statusLine, `Reading: ${hosts.join(', ')}`);
  }

  /** @param {Source[]} sources  replaces any earlier list */
  showSources(sources) {
    this.sources = indexSources(sources);
    this.sourcesSlot.replaceChildren();
    this.sourcesSlot.hidden = this.sources.size === 0;
    if (this.sources.size > 0) {
      this.statusLine.hidden = false;
      this.statusLine.classList.remove('is-live');
      const n = this.sources.size;
      this.statusLine.textContent = `${n} ${n === 1 ? 'source' : 'sources'}`;
      this.statusLine.title = this.queries.length ? `Searched: ${this.quotedQueries()}` : '';
      this.sourcesSlot.append(renderSourceList([...this.sources.values()]));
    }
    this.sourcesUnder.hidden = this.sources.size === 0;
    this.sourcesUnder.replaceChildren(...(this.sources.size ? [renderAnswerSources(this.sources.values())] : []));
    if (this.state !== 'streaming') this.renderActions();
    this.renderer.refresh();
    this.hooks.onRender();
  }

  /** Images returned with the answer: thumbnails, fetched by the backend as they come into view. */
  showImages(/** @type {unknown} */ images) {
    this.gallery.add(images);
  }

  /** Related questions: replaces any earlier list. */
  showRelated(/** @type {unknown} */ questions) {
    const next = relatedQuestions(questions);
    if (next.length === 0 || next.join('\n') === this.related.join('\n')) return;
    this.related = next;
    const block = renderRelated(next, (question) => this.hooks.onAsk(question));
    this.relatedSlot.replaceChildren(...(block ? [block] : []));
    this.relatedSlot.hidden = !block;
    setControlsBusy(this.relatedSlot, this.hooks.isBusy());
    this.hooks.onRender();
  }

  /** @param {string} text */
  appendReasoning(text) {
    if (!this.reasoning) {
      this.reasoning = /** @type {HTMLDetailsElement} */ (el('details', 'reasoning is-live'));
      this.reasoning.dataset.testid = 'reasoning';
      const summary = el('summary', '', 'Reasoning');
      const body = el('div', 'reasoning-body');
      this.reasoningText = document.createTextNode('');
      body.append(this.reasoningText);
      this.reasoning.append(summary, body);
      this.content.after(this.reasoning);
    }
    this.reasoningText?.appendData(text);
  }

  /**
   * "Rate limited, retrying in 8 s…": the backend waits and retries on its own.
   * @param {number} seconds @param {string} reason @param {number} attempt
   */
  showRetrying(seconds, reason, attempt) {
    this.clearRetrying();
    this.retryTimer = startRetryCountdown(this.retryNote, seconds, reason, attempt);
  }

  /**
   * Whether the answer is in the history. Arrives only when a save failed, and once more when a
   * later one worked; it may come after the answer ended (the backend keeps trying).
   * @param {{ok: boolean, retrying: boolean, message: string | null}} saving
   */
  showSaving(saving) {
    const text = savingText(saving);
    this.saveNote.textContent = text ?? '';
    this.saveNote.hidden = text === null;
  }

  clearRetrying() {
    clearInterval(this.retryTimer);
    this.retryNote.hidden = true;
  }
}
