// The notes an answer shows while it is being written, apart from the answer itself: the live
// status line ("Searching: …", "Reading: …"), the retry countdown and the "Not saved" note.
// Words and timers only; answer-turn.js decides when each shows.

import { el } from '../lib/dom.js';

/** @type {Record<string, string>} */
const RETRY_REASONS = {
  rate_limit: 'Rate limited',
  server: 'The server is busy',
  network: 'Connection lost',
  timeout: 'Timed out',
};

/**
 * The status line while the answer is live: a spinner and `text`.
 * @param {HTMLElement} line
 * @param {string} text
 */
export function showLive(line, text) {
  line.hidden = false;
  line.classList.add('is-live');
  line.replaceChildren(el('span', 'spinner'), text);
  line.firstElementChild?.setAttribute('aria-hidden', 'true');
}

/**
 * The sites of the pages the model reads, each once, without "www.".
 * @param {string[]} urls
 * @returns {string[]}
 */
export function readingHosts(urls) {
  const hosts = urls.map((u) => {
    try {
      return new URL(u).hostname.replace(/^www\./, '');
    } catch {
      return '';
    }
  }).filter(Boolean);
  return [...new Set(hosts)];
}

/**
 * "Rate limited, retrying in 8 s… (attempt 2)", counting down in `note`.
 * @param {HTMLElement} note
 * @param {number} seconds
 * @param {string} reason  a kind (rate_limit, server, …) or the backend's sentence
 * @param {number} attempt
 * @returns {number} the interval to clear when the retry is over
 */
export function startRetryCountdown(note, seconds, reason, attempt) {
  const label = RETRY_REASONS[reason] ?? (/\s/.test(reason ?? '') ? reason.replace(/\.$/, '') : 'Temporary problem');
  const until = Date.now() + Math.max(0, seconds) * 1000;
  let timer = 0;
  const tick = () => {
    const left = Math.ceil((until - Date.now()) / 1000);
    note.textContent =
      left > 0 ? `${label}, retrying in ${left} s… (attempt ${attempt})` : `${label}, retrying now…`;
    if (left <= 0) clearInterval(timer);
  };
  note.hidden = false;
  tick();
  timer = window.setInterval(tick, 250);
  return timer;
}

/**
 * What the "Not saved" note says, or null when the answer is saved.
 * @param {{ok: boolean, retrying: boolean, message: string | null}} saving
 * @returns {string | null}
 */
export function savingText(saving) {
  if (saving.ok) return null;
  const why = String(saving.message ?? 'the history could not be written').replace(/\.$/, '');
  return saving.retrying
    ? `Not saved yet: ${why}. Citewise keeps trying.`
    : `Not saved: ${why}. Copy the answer if you need it: it will not be in your history.`;
}
