// Related questions the API suggests after an answer, as buttons that ask them as a follow-up in
// the same conversation. The questions come from the model: shown as text only, whatever they
// contain; a click sends exactly that text as a question, nothing else.

/** At most this many suggestions, each at most this long. */
const MAX_QUESTIONS = 6;
const MAX_LENGTH = 300;

/**
 * Clean suggestions: strings, whitespace collapsed, no empties or repeats.
 * @param {unknown} questions
 * @returns {string[]}
 */
export function relatedQuestions(questions) {
  if (!Array.isArray(questions)) return [];
  /** @type {string[]} */
  const out = [];
  for (const q of questions) {
    if (typeof q !== 'string') continue;
    const text = q.replace(/\s+/g, ' ').trim().slice(0, MAX_LENGTH);
    if (text && !out.includes(text)) out.push(text);
    if (out.length === MAX_QUESTIONS) break;
  }
  return out;
}

/**
 * The "Related" block: a label and one button per question; null when there are none.
 * @param {string[]} questions   cleaned (see relatedQuestions)
 * @param {(question: string) => void} onAsk
 * @returns {HTMLElement | null}
 */
export function renderRelated(questions, onAsk) {
  if (questions.length === 0) return null;
  const section = document.createElement('section');
  section.className = 'related';
  const label = document.createElement('h3');
  label.className = 'related-label';
  label.id = `related-${Math.random().toString(36).slice(2, 10)}`;
  label.textContent = 'Related';
  section.setAttribute('aria-labelledby', label.id);
  const list = document.createElement('ul');
  list.className = 'related-list';
  for (const question of questions) {
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'related-question';
    button.dataset.testid = 'related-question';
    // Sent while nothing streams, like Regenerate (see setControlsBusy).
    button.dataset.needsIdle = '';
    button.textContent = question;
    button.title = `Ask: ${question}`;
    button.addEventListener('click', () => onAsk(question));
    const item = document.createElement('li');
    item.append(button);
    list.append(item);
  }
  section.append(label, list);
  return section;
}
