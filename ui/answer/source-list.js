// The numbered list of an answer's sources under it (the compact cards above it are source-cards.js),
// and the same list as plain text for "Copy with sources". Source fields come from the web via
// the model: built with textContent only, and only http(s) URLs become links (opened in the
// system browser by the document's link guard, lib/links.js).

import { isWebUrl } from '../lib/links.js';
import { sourceDomain } from './source-cards.js';
import { el } from '../lib/dom.js';

/** @typedef {import('../ipc/ipc.js').Source} Source */

/** @param {unknown} value */
const oneLine = (value) => (typeof value === 'string' ? value.replace(/\s+/g, ' ').trim() : '');

/** "2025-01-14" → "14 Jan 2025" in the person's locale; other text as it is. */
function shortDate(/** @type {unknown} */ date) {
  const text = oneLine(date);
  const ymd = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (!ymd) return text;
  const parsed = new Date(Number(ymd[1]), Number(ymd[2]) - 1, Number(ymd[3]));
  if (Number.isNaN(parsed.getTime()) || parsed.getDate() !== Number(ymd[3])) return text;
  return parsed.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

/**
 * Sources by number, for showing and copying.
 * @param {Iterable<Source>} sources
 * @returns {Source[]}
 */
function ordered(sources) {
  return [...sources].sort((a, b) => a.index - b.index);
}

/**
 * "Sources (4)" under an answer, collapsed: number, title, domain and date, and the snippet.
 * @param {Iterable<Source>} sources
 * @returns {HTMLDetailsElement}
 */
export function renderAnswerSources(sources) {
  const list = ordered(sources);
  const details = /** @type {HTMLDetailsElement} */ (el('details', 'answer-sources'));
  details.dataset.testid = 'source-list';
  const summary = el('summary', '', `Sources (${list.length})`);
  const items = el('ol', 'source-lines');
  for (const source of list) {
    const web = isWebUrl(source.url);
    const line = el(web ? 'a' : 'span', web ? 'source-line' : 'source-line is-inert');
    line.dataset.testid = 'source-list-item';
    line.dataset.index = String(source.index);
    if (web) {
      line.setAttribute('href', source.url);
      line.setAttribute('rel', 'noopener noreferrer');
      line.title = source.url;
    } else {
      line.title = 'Not opened: not a web address';
    }
    const domain = sourceDomain(source);
    const title = oneLine(source.title) || domain;
    const meta = [domain, shortDate(source.date)].filter(Boolean).join(' · ');
    line.append(el('span', 'source-num', String(source.index)), el('span', 'source-line-title', title));
    const body = el('span', 'source-line-body');
    body.append(el('span', 'source-line-meta', web ? meta : `${meta} · not a web address`));
    const snippet = oneLine(source.snippet);
    if (snippet) body.append(el('span', 'source-line-snippet', snippet));
    line.append(body);
    const item = el('li');
    item.append(line);
    items.append(item);
  }
  details.append(summary, items);
  return details;
}

/**
 * The sources as a numbered list of plain text lines, `[1]: Title — https://…`, for the
 * clipboard after the answer's markdown.
 * @param {Iterable<Source>} sources
 * @returns {string}
 */
export function sourcesAsText(sources) {
  return ordered(sources)
    .map((s) => {
      const title = oneLine(s.title);
      return `[${s.index}]: ${title ? `${title} — ` : ''}${oneLine(s.url)}`;
    })
    .join('\n');
}
