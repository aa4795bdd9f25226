// Sources of an answer: the compact cards above it, the `[n]` citation pills inside it, and the
// small card shown on hover/focus of either. Source fields come from the web via the model, so
// everything here is built with textContent, and only http(s) URLs ever become an href.

import { hostOf, isWebUrl } from '../lib/links.js';
import { el } from '../lib/dom.js';

/** @typedef {import('../ipc/ipc.js').Source} Source */

/** Element → the source it stands for, read by the hover card. */
const sourceOf = new WeakMap();

/** [1], [1, 3], [1-3], [2–4, 7]; not [1](…), which is a markdown link. */
const MARKER = /\[(\d{1,3}(?:\s*[-–,]\s*\d{1,3})*)\](?!\()/g;
const MAX_RANGE = 20;

/**
 * @param {Source[]} sources
 * @returns {Map<number, Source>}
 */
export function indexSources(sources) {
  const map = new Map();
  for (const source of sources) {
    if (source && Number.isInteger(source.index) && typeof source.url === 'string') map.set(source.index, source);
  }
  return map;
}

/** @param {Source} source */
export function sourceDomain(source) {
  const domain = typeof source.domain === 'string' && source.domain.trim() ? source.domain.trim() : '';
  return (domain || hostOf(source.url) || source.url).replace(/^www\./, '');
}

/** @param {Source} source */
function sourceTitle(source) {
  return (typeof source.title === 'string' && source.title.trim()) || sourceDomain(source);
}

/** @param {string | null | undefined} date */
function formatDate(date) {
  if (typeof date !== 'string' || !date) return '';
  const ymd = /^(\d{4})-(\d{2})-(\d{2})/.exec(date);
  const parsed = ymd ? new Date(Number(ymd[1]), Number(ymd[2]) - 1, Number(ymd[3])) : new Date(date);
  if (Number.isNaN(parsed.getTime())) return date;
  return parsed.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/**
 * A link to the source when its URL is http(s), inert text otherwise.
 * @param {Source} source
 * @param {string} className
 */
function sourceElement(source, className) {
  const web = isWebUrl(source.url);
  const node = el(web ? 'a' : 'span', web ? className : `${className} is-inert`);
  if (web) {
    node.setAttribute('href', source.url);
    node.setAttribute('rel', 'noopener noreferrer');
  } else {
    node.tabIndex = 0;
  }
  node.dataset.index = String(source.index);
  sourceOf.set(node, source);
  return node;
}

/**
 * The row of compact source cards shown above an answer.
 * @param {Source[]} sources
 * @returns {HTMLElement}
 */
export function renderSourceList(sources) {
  const list = el('ol', 'source-list');
  list.setAttribute('aria-label', 'Sources');
  for (const source of [...sources].sort((a, b) => a.index - b.index)) {
    const card = sourceElement(source, 'source-card');
    card.dataset.testid = 'source-item';
    const head = el('span', 'source-head');
    head.append(el('span', 'source-num', String(source.index)), el('span', 'source-domain', sourceDomain(source)));
    card.append(head, el('span', 'source-title', sourceTitle(source)));
    const li = el('li');
    li.append(card);
    list.append(li);
  }
  return list;
}

/**
 * "1, 3" → [1, 3]; "1-3" → [1, 2, 3]; null for silly ranges.
 * @param {string} body
 * @returns {number[] | null}
 */
function expandMarker(body) {
  const numbers = [];
  for (const part of body.split(',')) {
    const [from, to] = part.split(/[-–]/).map((n) => Number(n.trim()));
    const end = to ?? from;
    if (end < from || end - from > MAX_RANGE) return null;
    for (let n = from; n <= end; n += 1) numbers.push(n);
  }
  return numbers;
}

/**
 * @param {number} n
 * @param {Source} source
 */
function renderCitation(n, source) {
  const pill = sourceElement(source, 'cite');
  pill.dataset.testid = 'citation';
  pill.textContent = String(n);
  pill.setAttribute('aria-label', `Source ${n}: ${sourceTitle(source)}`);
  return pill;
}

/** @param {Text} node @param {Map<number, Source>} sources */
function linkTextNode(node, sources) {
  const text = node.data;
  const frag = document.createDocumentFragment();
  let last = 0;
  for (const m of text.matchAll(MARKER)) {
    const numbers = expandMarker(m[1]);
    if (!numbers || !numbers.some((n) => sources.has(n))) continue;
    frag.append(text.slice(last, m.index));
    for (const n of numbers) {
      const source = sources.get(n);
      frag.append(source ? renderCitation(n, source) : `[${n}]`);
    }
    last = /** @type {number} */ (m.index) + m[0].length;
  }
  if (last === 0) return;
  frag.append(text.slice(last));
  node.replaceWith(frag);
}

/** Where a `[n]` is never a citation: code, math (its source text when it fails), links. */
const NO_CITATIONS = 'code, pre, .code-block, .math, math, a, .link-inert';

/**
 * Turn `[n]` markers into citation pills for every n that has a source. Runs on rendered nodes,
 * so markers split across stream deltas are seen whole; code, math and links are left alone.
 * @param {Node[]} nodes
 * @param {Map<number, Source>} sources
 */
export function linkCitations(nodes, sources) {
  if (sources.size === 0) return;
  const skip = NO_CITATIONS;
  for (const root of nodes) {
    if (root.nodeType === Node.TEXT_NODE) {
      if (!root.parentElement?.closest(skip)) linkTextNode(/** @type {Text} */ (root), sources);
      continue;
    }
    if (root.nodeType !== Node.ELEMENT_NODE || /** @type {Element} */ (root).closest(skip)) continue;
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
      acceptNode: (n) => (n.parentElement?.closest(skip) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
    });
    const texts = [];
    while (walker.nextNode()) {
      const t = /** @type {Text} */ (walker.currentNode);
      if (t.data.includes('[')) texts.push(t);
    }
    for (const t of texts) linkTextNode(t, sources);
  }
}

/**
 * One shared card (title, domain, date, snippet) for the citation or source card under the
 * pointer or keyboard focus inside `root`.
 * @param {HTMLElement} root
 */
export function bindSourcePopover(root) {
  const card = el('div', 'source-popover');
  card.id = 'source-popover';
  card.setAttribute('role', 'tooltip');
  card.hidden = true;
  document.body.append(card);
  /** @type {HTMLElement | null} */
  let current = null;

  const hide = () => {
    current?.removeAttribute('aria-describedby');
    current = null;
    card.hidden = true;
  };

  const show = (/** @type {HTMLElement} */ target) => {
    const source = sourceOf.get(target);
    if (!source || target === current) return;
    hide();
    current = target;
    const meta = [sourceDomain(source), formatDate(source.date)].filter(Boolean).join(' · ');
    card.replaceChildren(el('strong', 'popover-title', sourceTitle(source)), el('span', 'popover-meta', meta));
    const snippet = typeof source.snippet === 'string' ? source.snippet.trim() : '';
    if (snippet) card.append(el('span', 'popover-snippet', snippet));
    if (!isWebUrl(source.url)) card.append(el('span', 'popover-meta', 'Link not opened: not a web address'));
    card.hidden = false;
    const r = target.getBoundingClientRect();
    const left = Math.max(8, Math.min(r.left, window.innerWidth - card.offsetWidth - 8));
    let top = r.bottom + 6;
    if (top + card.offsetHeight > window.innerHeight - 8) top = Math.max(8, r.top - card.offsetHeight - 6);
    card.style.left = `${left}px`;
    card.style.top = `${top}px`;
    target.setAttribute('aria-describedby', card.id);
  };

  const targetOf = (/** @type {Event} */ event) =>
    event.target instanceof Element ? /** @type {HTMLElement | null} */ (event.target.closest('.cite, .source-card')) : null;

  root.addEventListener('mouseover', (event) => {
    const target = targetOf(event);
    if (target) show(target);
  });
  root.addEventListener('mouseout', (event) => {
    const to = /** @type {MouseEvent} */ (event).relatedTarget;
    if (current && !(to instanceof Node && current.contains(to))) hide();
  });
  root.addEventListener('focusin', (event) => {
    const target = targetOf(event);
    if (target) show(target);
  });
  root.addEventListener('focusout', hide);
  root.addEventListener('scroll', hide, true);
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') hide();
  });
}
